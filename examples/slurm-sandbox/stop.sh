#!/usr/bin/env bash
# Stop exactly the daemons start.sh started (by recorded PID, reverse start order): TERM, KILL after 10 s.
# Safe to run when nothing runs. Leaves packages, configuration, database and job history in place.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }
T_TOTAL=$(now)
for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
  stop_daemon "${DAEMONS[i]}"
done
log "total $(elapsed "$T_TOTAL") s"
