#!/usr/bin/env bash
# Starts the portal on the demo fleet: the AWS emulator, the seeded fleet, the backend and the app.
# Usage: scripts/start.sh      (Ctrl-C stops everything it started)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# app-config.yaml points the demo accounts at this port, and the Create template at the Git server's.
EMULATOR_PORT=4566
GIT_SERVER_PORT=7010

ensure_node
ensure_dependencies
ensure_emulator
start_emulator "$EMULATOR_PORT"

cleanup() {
  [ -n "${PORTAL_PID:-}" ] && kill -- -"$PORTAL_PID" 2>/dev/null || true
  stop_git_server
  stop_emulator
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The backend's own clients get the endpoint from app-config (environments.accounts[].endpoint); the
# credentials manager of @backstage/integration-aws-node makes its own STS calls, which the SDK's standard
# variable sends to the emulator, so each account's role is assumed there exactly as on AWS.
export AWS_ENDPOINT_URL_STS="$EMULATOR_ENDPOINT"
# The emulator accepts any keys; the main account of the credentials chain reads these.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=eu-west-1

log "Seeding the demo fleet"
(cd "$REPO_ROOT" && yarn_ workspace @internal/demo-fleet seed --endpoint "$EMULATOR_ENDPOINT")

start_git_server "$GIT_SERVER_PORT"

log "Starting the backend and the app (first start compiles the app: about a minute)"
cd "$REPO_ROOT"
set -m
yarn_ start >"$RUN_DIR/portal.log" 2>&1 &
PORTAL_PID=$!
set +m
for _ in $(seq 1 600); do
  if curl -fs -o /dev/null http://localhost:7007/.backstage/health/v1/readiness &&
    curl -fs -o /dev/null http://localhost:3000; then
    log "The portal is ready: http://localhost:3000  (sign in as a demo user; logs: .run/portal.log)"
    wait "$PORTAL_PID"
    exit $?
  fi
  kill -0 "$PORTAL_PID" 2>/dev/null || { tail -40 "$RUN_DIR/portal.log" >&2; die "the portal exited"; }
  sleep 1
done
die "the portal did not become ready in 10 minutes (log: .run/portal.log)"
