#!/usr/bin/env bash
# The one test command: installs what is missing, starts a throw-away PostgreSQL and Azurite (table service) on free
# loopback ports, restores, builds and runs every test project, then stops both servers by PID (also on failure).
# Tests that need the servers read PLATFORM_TEST_POSTGRES and PLATFORM_TEST_AZURE_TABLES and fail when they are unset.
# Last line of output: "N passed, N failed". Exit code non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# shellcheck source=lib/test-services.sh
source scripts/lib/test-services.sh

log="$(mktemp /tmp/platform-test-log.XXXXXX)"
cleanup() {
  local rc=$?
  platform_services_stop
  rm -f "$log"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

platform_services_start

if ! dotnet restore Platform.sln || ! dotnet build Platform.sln --no-restore -c Release -m:2; then
  echo "0 passed, 1 failed (restore/build failed)"
  exit 1
fi

set +e
dotnet test Platform.sln --no-build -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"
test_rc=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 42, Skipped: 0, Total: 42, ...").
read -r passed failed < <(grep -aoE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" \
  | awk -F'[:,]' '{ f += $2; p += $4 } END { printf "%d %d\n", p, f }')
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (crash, abort) without a summary line saying so
fi
echo "$passed passed, $failed failed"
[ "$test_rc" -eq 0 ] && [ "$failed" -eq 0 ]
