#!/usr/bin/env bash
# Exit 0 iff the broker answers on its management API for the administrator start.sh created.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
if admin_answers; then log "rabbitmq-sandbox: up"; else log "rabbitmq-sandbox: down"; exit 1; fi
