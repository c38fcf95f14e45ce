#!/usr/bin/env bash
# Property-based fuzz of the Environments API: schemathesis generates requests from the OpenAPI spec
# (plugins/environments-backend/src/schema/openapi.yaml), valid and invalid, sends them to a running
# backend with a real user token (the demo sign-in), and fails on any 5xx or any response the spec
# does not allow. Bounded: FUZZ_MAX_EXAMPLES cases per operation and phase. See docs/fuzz.md.
# Usage: scripts/fuzz-api.sh [backend URL, default http://localhost:7007]
#   FUZZ_SEED=N replays a run (each run prints its seed); FUZZ_MAX_EXAMPLES=N (default 30).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKEND_URL="${1:-http://localhost:7007}"
SPEC="$REPO_ROOT/plugins/environments-backend/src/schema/openapi.yaml"
FUZZ_USER="user:default/alice"
REPORT_DIR="$RUN_DIR/fuzz"
ensure_fuzzer

# The demo sign-in answers 404 until the catalog has read examples/org.yaml.
token=""
for _ in $(seq 1 120); do
  if response="$(curl -fsS -H "x-demo-user: $FUZZ_USER" "$BACKEND_URL/api/auth/demo/refresh" 2>/dev/null)"; then
    token="$(printf '%s' "$response" | python3 -c 'import json, sys; print(json.load(sys.stdin)["backstageIdentity"]["token"])')"
    break
  fi
  sleep 1
done
[ -n "$token" ] || die "no token for $FUZZ_USER from the demo sign-in at $BACKEND_URL/api/auth/demo/refresh (docs/sign-in.md)"

rm -rf "$REPORT_DIR"
log "Fuzzing the API at $BACKEND_URL/api/environments as $FUZZ_USER (report: .run/fuzz/)"
seed=()
if [ -n "${FUZZ_SEED:-}" ]; then seed=(--seed "$FUZZ_SEED"); fi
cd "$REPO_ROOT"
"$VENV_DIR/bin/schemathesis" --config-file "$REPO_ROOT/scripts/schemathesis.toml" run "$SPEC" \
  --url "$BACKEND_URL/api/environments" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-30}" \
  --workers 1 \
  --request-timeout 30 \
  --report junit --report-dir "$REPORT_DIR" \
  --output-sanitize true \
  "${seed[@]}"
