#!/usr/bin/env bash
# Installs what the project needs, without starting anything: Node 22, the dependencies, the AWS
# emulator and the API fuzzer. scripts/start.sh and scripts/test.sh run these steps themselves; this is for `yarn` users.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node
ensure_dependencies
ensure_emulator
ensure_fuzzer
log "Set up. For yarn on this shell: export PATH=\"$RUN_DIR/bin:$(dirname "$(command -v node)"):\$PATH\""
