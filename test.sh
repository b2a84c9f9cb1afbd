#!/usr/bin/env bash
# The test command (README): every test project, then the SIMD tests again with AVX-512 off (Vector256 paths) and with AVX2 off (Vector128 paths).
# Ends with one summary line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
status=0

run() {
  echo "::: $*"
  "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=$rc
}

run dotnet test FromScratch.slnx -c Release --nologo
if grep -q 'Category=Simd\|Trait("Category", "Simd")' -r lib/FromScratch.Tests 2>/dev/null; then
  # .NET 10: EnableAVX512=0 turns Vector512 off (EnableAVX512F alone no longer does); both are set for older runtimes.
  FROMSCRATCH_MAX_SIMD_BITS=256 DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
  FROMSCRATCH_MAX_SIMD_BITS=128 DOTNET_EnableAVX2=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
fi

# Sum the per-assembly lines "Passed!  - Failed: 0, Passed: 45, Skipped: 0, Total: 45, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { print p+0, f+0, s+0 }')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
