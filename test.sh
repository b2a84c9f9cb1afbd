#!/usr/bin/env bash
# The test command (README): every test project, then the SIMD tests again with AVX-512 and with AVX2 turned off.
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
  DOTNET_EnableAVX512F=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
  DOTNET_EnableAVX2=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
fi

# Sum the per-assembly lines "Passed!  - Failed: 0, Passed: 45, Skipped: 0, Total: 45, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { print p+0, f+0, s+0 }')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
