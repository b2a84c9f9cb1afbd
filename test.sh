#!/usr/bin/env bash
# The test command (README): its own set-up on a fresh machine, then every test project, then the SIMD tests again with
# AVX-512 off (Vector256 paths), with AVX2 off (Vector128 paths) and with the Vector512 path forced in software.
# Ends with one summary line "tests: N passed, N failed, N skipped". `bash test.sh --setup-only` does the set-up alone.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
status=0
setup_note=""

run() {
  echo "::: $*"
  "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=$rc
}

# --- Set-up, before any minutes are spent: the Debian packages of .config/debian-packages.txt (the one list, which the
# runner reads too) and the pinned .NET Interactive kernel. Installed once when possible, else named with the exact command.
need=()
while read -r package needed_by _; do
  case "$package" in ''|'#'*) continue ;; esac
  case ",$needed_by," in *,tests,*) ;; *) continue ;; esac   # the benchmark's peers are the bench's own set-up
  # present: installed as a Debian package, or a command of that name is on PATH (npm also comes with nodejs packages)
  command -v "$package" >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
done < .config/debian-packages.txt
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "::: set-up: installing the missing Debian packages ${need[*]} (apt-get, once)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${need[@]}" \
      || { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } \
      || setup_note="apt-get could not install ${need[*]}; the tests that need them fail."
  else
    setup_note="missing Debian packages ${need[*]}; the tests that need them fail. Install them with:
    sudo apt-get install -y --no-install-recommends ${need[*]}"
  fi
  [ -n "$setup_note" ] && echo "::: set-up: $setup_note"
fi
# The pinned kernel's manifest is .config/kernel/, not the repository's root: a manifest there would shadow the kernel a
# learner installed globally for Jupyter, which starts `dotnet interactive` in notebooks/ (issue 21).
echo "::: set-up: dotnet tool restore --tool-manifest .config/kernel/dotnet-tools.json (the pinned .NET Interactive kernel, for the stock-kernel notebook tests)"
if ! dotnet tool restore --tool-manifest .config/kernel/dotnet-tools.json; then
  setup_note="${setup_note:+$setup_note
}dotnet tool restore failed; the stock-kernel tests fail. Run: dotnet tool restore --tool-manifest .config/kernel/dotnet-tools.json"
  echo "::: set-up: $setup_note"
fi

if [ "${1:-}" = "--setup-only" ]; then
  rm -f "$log"
  [ -z "$setup_note" ] && echo "set-up: complete" && exit 0
  exit 1
fi

run dotnet test FromScratch.slnx -c Release --nologo
if grep -q 'Category=Simd\|Trait("Category", "Simd")' -r lib/FromScratch.Tests 2>/dev/null; then
  # .NET 10: EnableAVX512=0 turns Vector512 off (EnableAVX512F alone no longer does); both are set for older runtimes.
  FROMSCRATCH_MAX_SIMD_BITS=256 DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
  FROMSCRATCH_MAX_SIMD_BITS=128 DOTNET_EnableAVX2=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
  # The Vector512 path forced where it is not accelerated: .NET runs it in software, so its results are tested on any CPU.
  FROMSCRATCH_SIMD_BITS=512 DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 run dotnet test lib/FromScratch.Tests -c Release --nologo --no-build --filter Category=Simd
fi

# Sum the per-assembly lines "Passed!  - Failed: 0, Passed: 45, Skipped: 0, Total: 45, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { print p+0, f+0, s+0 }')
rm -f "$log"
[ -n "$setup_note" ] && echo "set-up: $setup_note"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
