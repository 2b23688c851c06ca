#!/usr/bin/env bash
# Exit 0 iff the sandbox's accounting answers (sacctmgr reaches slurmdbd). Prints the recorded daemons.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
for d in "${DAEMONS[@]}"; do
  if pid=$(recorded_pid "$d"); then echo "$d: running (pid $pid)"; else echo "$d: not running"; fi
done
timeout 10 sacctmgr -n -P show cluster format=cluster >/dev/null 2>&1
