#!/usr/bin/env bash
# Runs every test of the project: unit, integration against the AWS emulator and PostgreSQL, browser.
# Usage: scripts/test.sh        Exits non-zero when any test fails.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_dependencies
ensure_emulator
start_postgres "${POSTGRES_PORT:-55432}"
trap stop_postgres EXIT

# Store tests run on SQLite and on this PostgreSQL (TestDatabases reads the variable).
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_CONNECTION"
# Integration tests start their own emulator from .venv on a free port.
export MOTO_SERVER_BIN="$VENV_DIR/bin/moto_server"

cd "$REPO_ROOT"
status=0
log "Unit and integration tests"
CI=true yarn_ backstage-cli repo test 2>&1 | tee "$RUN_DIR/test.log" || status=$?

# One plain summary line for tools that read the end of the output.
summary="$(grep -E '^Tests: ' "$RUN_DIR/test.log" | tail -1 || true)"
passed="$(echo "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)"
failed="$(echo "$summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)"
if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
  log "no test ran"
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
