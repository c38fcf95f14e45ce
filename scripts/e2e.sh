#!/usr/bin/env bash
# Browser tests: Playwright drives Debian's Chromium against the backend serving the built app, on
# PostgreSQL, with the AWS emulator and the seeded demo fleet. Exits with Playwright's status (and the
# API fuzz's when it runs). See docs/e2e.md and docs/fuzz.md.
# Usage: scripts/e2e.sh [playwright test arguments, e.g. a file or --grep]
#   E2E_REBUILD=1 rebuilds the app even when its sources did not change.
#   E2E_FUZZ=1 then fuzzes the API against the same backend (scripts/fuzz-api.sh); E2E_FUZZ=only skips
#   the browser tests.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The tests use fixed ports (the emulator on 4566, the backend on 7007): runs from several clones on one
# machine wait for each other instead of colliding.
E2E_LOCK="${TMPDIR:-/tmp}/environments-e2e.lock"
exec 9>"$E2E_LOCK"
if ! flock -n 9; then
  log "Another browser-test run holds $E2E_LOCK: waiting for it to end"
  flock 9
fi

# app-config.yaml points the demo accounts at this port; the backend listens on 7007 as in start.sh.
EMULATOR_PORT=4566
GIT_SERVER_PORT=7010
BACKEND_URL=http://localhost:7007

ensure_node
ensure_dependencies
ensure_emulator
ensure_chromium
if [ -n "${E2E_FUZZ:-}" ]; then ensure_fuzzer; fi

# The tests would otherwise run against whatever answers there (a `scripts/start.sh` left running).
if curl -fs -o /dev/null "$BACKEND_URL/.backstage/health/v1/liveness"; then
  die "something already answers on $BACKEND_URL: stop it (scripts/start.sh?) before running the browser tests"
fi

start_emulator "$EMULATOR_PORT"
# A fresh database for each run, as in production (app-config.production.yaml): PostgreSQL.
start_postgres "$(free_port)"

cleanup() {
  if [ -n "${BACKEND_PID:-}" ]; then
    # The whole process group (yarn, backstage-cli, the backend): wait until it is gone, so that
    # :7007 is free when this script returns.
    kill -- -"$BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 -- -"$BACKEND_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- -"$BACKEND_PID" 2>/dev/null || true
    wait "$BACKEND_PID" 2>/dev/null || true
  fi
  stop_git_server
  stop_emulator
  stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# As in start.sh: the credentials manager's STS calls go to the emulator, with keys it accepts.
export AWS_ENDPOINT_URL_STS="$EMULATOR_ENDPOINT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=eu-west-1

start_git_server "$GIT_SERVER_PORT"

log "Seeding the demo fleet"
(cd "$REPO_ROOT" && yarn_ workspace @internal/demo-fleet seed --endpoint "$EMULATOR_ENDPOINT") \
  >"$RUN_DIR/e2e-seed.log" 2>&1 || { cat "$RUN_DIR/e2e-seed.log" >&2; die "seeding the demo fleet failed"; }

# The backend serves packages/app/dist (plugin app-backend): the dev server is too heavy for two cores.
# Rebuilt only when what goes into the bundle changed: the app, and the frontend and common packages.
app_sources_hash() {
  local dirs=("$REPO_ROOT/packages/app/src" "$REPO_ROOT/packages/app/public")
  local pkg
  for pkg in "$REPO_ROOT"/plugins/*/package.json; do
    if grep -Eq '"role": "(frontend-plugin|frontend-plugin-module|web-library|common-library)"' "$pkg"; then
      dirs+=("$(dirname "$pkg")/src")
    fi
  done
  {
    # Tests are not bundled: editing one does not call for a build.
    find "${dirs[@]}" -type f ! -name '*.test.*' -print0 | sort -z | xargs -0 sha256sum
    sha256sum "$REPO_ROOT/yarn.lock" "$REPO_ROOT/packages/app/package.json" "$REPO_ROOT"/plugins/*/package.json
  } | sha256sum | cut -c1-16
}
APP_STAMP="$REPO_ROOT/packages/app/dist/.e2e-sources"
want="$(app_sources_hash)"
if [ -n "${E2E_REBUILD:-}" ] || [ ! -f "$APP_STAMP" ] || [ "$(cat "$APP_STAMP")" != "$want" ]; then
  log "Building the app (packages/app/dist)"
  build_start=$SECONDS
  (cd "$REPO_ROOT" && yarn_ workspace app build) >"$RUN_DIR/e2e-app-build.log" 2>&1 ||
    { tail -40 "$RUN_DIR/e2e-app-build.log" >&2; die "the app build failed (log: .run/e2e-app-build.log)"; }
  echo "$want" > "$APP_STAMP"
  log "Built the app in $((SECONDS - build_start)) s"
else
  log "The app is built and up to date (packages/app/dist)"
fi

log "Starting the backend (log: .run/e2e-backend.log)"
cd "$REPO_ROOT"
set -m
# The app is served by the backend here, so that is its base URL. The backend runs once, with the
# TypeScript loader `backstage-cli package start` uses but without its file watcher: editing a source
# while the tests run must not restart the backend under them.
NODE_TRANSFORM="$(node -p 'require.resolve("@backstage/cli-node/config/nodeTransform.cjs")')"
(cd "$REPO_ROOT/packages/backend" && NODE_ENV=development APP_CONFIG_app_baseUrl="$BACKEND_URL" \
  APP_CONFIG_backend_database_client=pg APP_CONFIG_backend_database_connection="$PG_CONNECTION" \
  exec node --enable-source-maps --require "$NODE_TRANSFORM" src/index.ts) >"$RUN_DIR/e2e-backend.log" 2>&1 &
BACKEND_PID=$!
set +m
for _ in $(seq 1 300); do
  if curl -fs -o /dev/null "$BACKEND_URL/.backstage/health/v1/readiness"; then break; fi
  kill -0 "$BACKEND_PID" 2>/dev/null || { tail -40 "$RUN_DIR/e2e-backend.log" >&2; die "the backend exited"; }
  sleep 1
done
curl -fs -o /dev/null "$BACKEND_URL/.backstage/health/v1/readiness" ||
  die "the backend did not become ready in 5 minutes (log: .run/e2e-backend.log)"
log "The backend is ready ($SECONDS s since the start of the script)"

status=0
if [ "${E2E_FUZZ:-}" != only ]; then
  log "Running the browser tests (report: e2e-test-report/index.html, screenshots: test-results/)"
  CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}" EMULATOR_ENDPOINT="$EMULATOR_ENDPOINT" \
    PLAYWRIGHT_URL="$BACKEND_URL" yarn_ playwright test "$@" || status=$?
fi
if [ -n "${E2E_FUZZ:-}" ]; then
  bash "$REPO_ROOT/scripts/fuzz-api.sh" "$BACKEND_URL" || status=1
fi
exit "$status"
