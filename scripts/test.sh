#!/usr/bin/env bash
# Runs every test of the project: unit, integration against the AWS emulator and PostgreSQL, browser.
# Usage: scripts/test.sh        Exits non-zero when any test fails.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_dependencies
ensure_emulator
# A free port unless POSTGRES_PORT says otherwise: two clones can run the suite at once.
start_postgres "${POSTGRES_PORT:-$(free_port)}"
trap stop_postgres EXIT

# Store tests run on SQLite and on this PostgreSQL (TestDatabases reads the variable).
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_CONNECTION"
# Integration tests start their own emulator from .venv on a free port.
export MOTO_SERVER_BIN="$VENV_DIR/bin/moto_server"

cd "$REPO_ROOT"
status=0
log "Unit and integration tests"
CI=true yarn_ backstage-cli repo test 2>&1 | tee "$RUN_DIR/test.log" || status=$?

stop_postgres

# The browser tests need the ports of the portal (4566, 7007); they start and stop their own. The API fuzz
# runs against the same backend afterwards (E2E_FUZZ=1, scripts/fuzz-api.sh, docs/fuzz.md).
log "Browser tests and the API fuzz (scripts/e2e.sh)"
rm -rf "$RUN_DIR/fuzz"
E2E_FUZZ=1 bash "$REPO_ROOT/scripts/e2e.sh" 2>&1 | tee "$RUN_DIR/e2e.log" || status=1

# One plain summary line for tools that read the end of the output: Jest's and Playwright's counts.
# number FILE LINE-PATTERN WORD: the count before WORD on the last line of FILE matching LINE-PATTERN, or 0.
number() {
  local line
  line="$(sed 's/\x1b\[[0-9;]*m//g' "$1" 2>/dev/null | grep -E "$2" | tail -1 || true)"
  [[ "$line" =~ ([0-9]+)\ $3 ]] && echo "${BASH_REMATCH[1]}" || echo 0
}
# The fuzz counts one test per API operation of its JUnit report ("passed failed"); no report is a failure.
fuzz_counts() {
  python3 - "$RUN_DIR"/fuzz/junit-*.xml <<'PY'
import sys, xml.etree.ElementTree as ET
reports = [path for path in sys.argv[1:] if not path.endswith('*.xml')]
if not reports:
    print(0, 1)
    sys.exit()
suites = ET.parse(reports[0]).getroot()
bad = sum(int(suites.get(key, 0)) for key in ('failures', 'errors'))
print(int(suites.get('tests', 0)) - bad - int(suites.get('skipped', 0)), bad)
PY
}
read -r fuzz_passed fuzz_failed < <(fuzz_counts)
passed=$(( $(number "$RUN_DIR/test.log" '^Tests: ' passed) + $(number "$RUN_DIR/e2e.log" '^ *[0-9]+ passed' passed) + fuzz_passed ))
failed=$(( $(number "$RUN_DIR/test.log" '^Tests: ' failed) + $(number "$RUN_DIR/e2e.log" '^ *[0-9]+ failed' failed) + fuzz_failed ))
if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
  log "no test ran"
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
