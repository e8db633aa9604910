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

results="$(mktemp -d /tmp/platform-test-results.XXXXXX)"
cleanup() {
  local rc=$?
  platform_services_stop
  rm -rf "$results"
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
dotnet test Platform.sln --no-build -c Release --logger "console;verbosity=normal" --logger trx --results-directory "$results"
test_rc=$?
set -e

# Sum the counters of every test project's trx (<Counters total=".." passed=".." failed=".." ...>).
passed=0 failed=0
while read -r p f; do
  passed=$((passed + p)) failed=$((failed + f))
done < <(find "$results" -name '*.trx' -exec grep -ohE '<Counters [^>]*>' {} + \
  | sed -E 's/.* passed="([0-9]+)".* failed="([0-9]+)".*/\1 \2/; s/.* failed="([0-9]+)".* passed="([0-9]+)".*/\2 \1/')
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (crash, abort) without a summary line saying so
fi
# Name every failed test with the head of its message, so the tail of a CI log says what broke.
if [ "$failed" -gt 0 ]; then
  echo "failed tests:"
  python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") != "Failed":
            continue
        msg = r.findtext(".//t:Message", "", ns).strip().splitlines()
        print(f"  FAILED {r.get('testName')} ({r.get('duration')})")
        for line in msg[:8]:
            print(f"    {line[:300]}")
PY
fi
echo "$passed passed, $failed failed"
[ "$test_rc" -eq 0 ] && [ "$failed" -eq 0 ]
