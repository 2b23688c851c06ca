# Shared settings and helpers for start.sh / stop.sh / status.sh (sourced, not run).
# shellcheck shell=bash

SANDBOX_CLUSTER="${SANDBOX_CLUSTER:-sandbox}"
STATE_DIR="${SANDBOX_STATE_DIR:-/run/slurm-sandbox}"      # <daemon>.pid of every daemon start.sh started
LOG_DIR="${SANDBOX_LOG_DIR:-/var/log/slurm-sandbox}"
SLURM_ETC=/etc/slurm
MYSQL_SOCKET=/run/mysqld/mysqld.sock

# Daemons in start order; stop.sh walks this list backwards.
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
log() { printf '%s\n' "$*"; }

# PID recorded for a daemon if that process is still alive and still is that daemon
# (guards against PID reuse after a reboot or a crash). Prints the PID, or returns 1.
recorded_pid() {
  local name=$1 pidfile="$STATE_DIR/$1.pid" pid comm
  [[ -r $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$name" ]] && alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# True while <pid> exists and is not a zombie (orphans may linger as zombies if PID 1 does not reap).
alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# TERM the daemon recorded for <name>, KILL after 10 s, remove its pid file.
stop_daemon() {
  local name=$1 pid t i
  t=$(now)
  if ! pid=$(recorded_pid "$name"); then
    if [[ -e $STATE_DIR/$name.pid ]]; then
      log "==> $name: stale pid file removed (process gone)"
      rm -f "$STATE_DIR/$name.pid"
    else
      log "==> $name: not running (no pid file)"
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "    $name (pid $pid) still alive after 10 s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$STATE_DIR/$name.pid"
  log "==> $name: stopped pid $pid in $(elapsed "$t") s"
}
