#!/usr/bin/env bash
# Stop the broker start.sh started (rabbitmqctl shutdown waits until the node is down). Safe when nothing runs.
# Leaves the package, configuration and the broker's data (vhosts, users, durable queues) in place.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }
T_TOTAL=$(now)
if command -v rabbitmqctl >/dev/null && rmqctl -q shutdown >/dev/null 2>&1; then
  log "==> rabbitmq-server: stopped"
else
  log "==> rabbitmq-server: not running"
fi
rm -f "$RMQ_STATE_DIR/rabbitmq-server.pid"
log "total $(elapsed "$T_TOTAL") s"
