#!/usr/bin/env bash
# Single-node SLURM sandbox (slurmctld + slurmd + slurmdbd + MariaDB + munge) for tests, CI and demos.
# Debian 12, run as root, no systemd needed. Idempotent: a second run finds everything up and changes nothing.
# See README.md next to this script.
set -euo pipefail
set +m # background jobs must not become process-group leaders (so `setsid` execs in place and $! is the daemon)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

PACKAGES=(slurm-wlm slurmctld slurmd slurmdbd slurm-client munge mariadb-server)
DB_NAME=slurm_acct_db
DB_USER=slurm
SANDBOX_USERS=(alice bob)

T_TOTAL=$(now)
exec 3>&1 # readiness probes run with output discarded; fd 3 lets them still report to the terminal
STEP_T=
STEP_NAME=
step() { STEP_NAME=$1; STEP_T=$(now); log "==> $1"; }
step_done() { log "    ${1:-ok} ($(elapsed "$STEP_T") s)"; }
die() { log "ERROR: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root"
[[ $SANDBOX_CLUSTER =~ ^[a-z0-9_-]+$ ]] || die "SANDBOX_CLUSTER must match ^[a-z0-9_-]+$"

# wait_until <seconds> <daemon-or-empty> <description> <command...>: poll every 0.1 s until the command succeeds.
# If a daemon name is given and its recorded process dies meanwhile, fail at once and show its log.
wait_until() {
  local timeout=$1 daemon=$2 what=$3 deadline
  shift 3
  deadline=$(awk -v t="$(now)" -v d="$timeout" 'BEGIN { printf "%d", t + d }')
  until "$@" >/dev/null 2>&1; do
    # (not recorded_pid: right after launch the process may still be the forking shell, not yet the daemon)
    if [[ -n $daemon ]] && ! alive "$(cat "$STATE_DIR/$daemon.pid" 2>/dev/null)"; then
      tail -n 30 "$LOG_DIR/$daemon".* 2>/dev/null || true
      die "$daemon died while waiting for: $what (logs in $LOG_DIR)"
    fi
    if (($(date +%s) >= deadline)); then
      [[ -z $daemon ]] || tail -n 30 "$LOG_DIR/$daemon".* 2>/dev/null || true
      die "timeout after ${timeout}s waiting for: $what (logs in $LOG_DIR)"
    fi
    sleep 0.1
  done
}

# launch <name> <command...>: start a daemon in the foreground mode of its binary, detached into its own session,
# output appended to $LOG_DIR/<name>.out, PID recorded in $STATE_DIR/<name>.pid.
# Every inherited descriptor above 2 is closed first: a daemon holding the caller's pipe (e.g. `start.sh | tee`,
# a CI step) would keep that caller waiting forever.
launch() {
  local name=$1
  shift
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec setsid "$@" </dev/null >>"$LOG_DIR/$name.out" 2>&1
  ) &
  echo $! >"$STATE_DIR/$name.pid"
}

# ensure_daemon <name> <probe> <start> <restart-if-running: 0|1> [<probe that only the daemon itself answers>]
ensure_daemon() {
  local name=$1 probe=$2 start=$3 restart=$4 self_probe=${5:-$2} pid
  step "$name"
  if pid=$(recorded_pid "$name"); then
    if [[ $restart == 1 ]]; then
      log "    configuration changed: restarting pid $pid"
      stop_daemon "$name" | sed 's/^/    /'
    else
      wait_until 60 "$name" "$name to answer" "$probe"
      step_done "already running (pid $pid)"
      return 0
    fi
  elif "$self_probe" >/dev/null 2>&1; then
    step_done "answers, but was not started by this script (no pid file): left alone, stop.sh will not stop it"
    return 0
  fi
  "$start"
  wait_until 60 "$name" "$name to answer" "$probe"
  step_done "started pid $(<"$STATE_DIR/$name.pid")"
}

# install_if_changed <content> <path> <mode>: replace the file only when its content differs; return 0 if replaced.
install_if_changed() {
  local content=$1 path=$2 mode=$3
  if [[ -f $path ]] && [[ "$(<"$path")" == "$content" ]]; then
    return 1
  fi
  printf '%s\n' "$content" >"$path.tmp"
  chmod "$mode" "$path.tmp"
  mv "$path.tmp" "$path"
  log "    wrote $path"
  return 0
}

# ---------------------------------------------------------------------------------------------------------------
step "packages"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # Keep the packages' postinst scripts from starting daemons: this script starts them itself.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # ours: removed however the install ends
  fi
  log "    installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$LOG_DIR"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$LOG_DIR/apt-install.log" 2>&1 ||
    { tail -n 30 "$LOG_DIR/apt-install.log"; die "apt-get install failed (log: $LOG_DIR/apt-install.log)"; }
  if [[ $(trap -p EXIT) ]]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  step_done "installed ${#missing[@]} missing package(s); $(dpkg-query -W -f='${Version}' slurmctld)"
else
  step_done "all present ($(dpkg-query -W -f='${Version}' slurmctld))"
fi

# ---------------------------------------------------------------------------------------------------------------
step "prepare directories, munge key, fake GPU devices, Linux users"
mkdir -p "$STATE_DIR" "$LOG_DIR" "$SLURM_ETC" /var/spool/slurmctld /var/spool/slurmd /run/slurm
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /etc/munge
install -d -o mysql -g mysql -m 0755 /run/mysqld
if [[ ! -s /etc/munge/munge.key ]]; then
  mungekey --create --force --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
# Two fake GPUs: gres.conf needs File= pointing at existing device nodes, otherwise slurmd drops them.
for i in 0 1; do
  [[ -e /dev/loop$i ]] || mknod -m 0660 "/dev/loop$i" b 7 "$i"
done
for u in "${SANDBOX_USERS[@]}"; do
  id -u "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
done
step_done

# ---------------------------------------------------------------------------------------------------------------
step "configuration ($SLURM_ETC)"
node_line=$(slurmd -C | head -n 1) # NodeName=<host> CPUs=.. Boards=.. SocketsPerBoard=.. CoresPerSocket=.. ThreadsPerCore=.. RealMemory=..
node_name=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node_line")
detected_mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
real_mem=${SANDBOX_REAL_MEMORY:-4000}
((real_mem <= detected_mem)) || real_mem=$detected_mem
node_topology=$(sed 's/ RealMemory=[0-9]*//' <<<"$node_line")
[[ -n $node_name && -n $detected_mem ]] || die "cannot parse 'slurmd -C': $node_line"

# DB password: reuse the one already in slurmdbd.conf, else generate one.
db_pass=$(sed -n 's/^StoragePass=//p' "$SLURM_ETC/slurmdbd.conf" 2>/dev/null || true)
[[ -n $db_pass ]] || db_pass=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

slurm_conf="# Generated by examples/slurm-sandbox/start.sh -- single-node SLURM sandbox
ClusterName=$SANDBOX_CLUSTER
SlurmctldHost=$node_name(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
PriorityType=priority/multifactor
PriorityDecayHalfLife=7-0
PriorityWeightFairshare=10000
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageEnforce=associations,limits,qos,safe
AccountingStorageTRES=gres/gpu
AccountingStoreFlags=job_comment
GresTypes=gpu
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
MailProg=/bin/true
ReturnToService=2
MinJobAge=30
KillWait=5
Waittime=0
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
$node_topology NodeAddr=127.0.0.1 RealMemory=$real_mem Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES DefaultTime=01:00:00 MaxTime=INFINITE State=UP
# part1/part2: the AUDITOR collector and priority-plugin suites (sites by partition, PriorityJobFactor per group)
PartitionName=part1 Nodes=ALL DefaultTime=01:00:00 MaxTime=INFINITE State=UP
PartitionName=part2 Nodes=ALL DefaultTime=01:00:00 MaxTime=INFINITE State=UP"

gres_conf="NodeName=$node_name Name=gpu File=/dev/loop[0-1]"

slurmdbd_conf="# Generated by examples/slurm-sandbox/start.sh
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
LogFile=$LOG_DIR/slurmdbd.log
PidFile=/run/slurm/slurmdbd.pid
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=localhost
StoragePort=3306
StorageUser=$DB_USER
StoragePass=$db_pass
StorageLoc=$DB_NAME"

slurm_changed=0
dbd_changed=0
install_if_changed "$slurm_conf" "$SLURM_ETC/slurm.conf" 0644 && slurm_changed=1
install_if_changed "$gres_conf" "$SLURM_ETC/gres.conf" 0644 && slurm_changed=1
install_if_changed "$slurmdbd_conf" "$SLURM_ETC/slurmdbd.conf" 0600 && dbd_changed=1 # slurmdbd refuses a readable file
step_done "node $node_name: $node_topology RealMemory=$real_mem (detected $detected_mem)"

# ---------------------------------------------------------------------------------------------------------------
probe_munged() { munge -n | unmunge; }
start_munged() { launch munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F; }
ensure_daemon munged probe_munged start_munged 0

probe_mariadbd() { mariadb-admin --socket="$MYSQL_SOCKET" ping; }
start_mariadbd() {
  if [[ ! -d /var/lib/mysql/mysql ]]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >>"$LOG_DIR/mariadbd.out" 2>&1
  fi
  touch "$LOG_DIR/mariadbd.log"
  chown mysql:mysql "$LOG_DIR/mariadbd.log" # mariadbd writes its error log as mysql
  launch mariadbd mariadbd --user=mysql --datadir=/var/lib/mysql --socket="$MYSQL_SOCKET" \
    --pid-file=/run/mysqld/mysqld.pid --log-error="$LOG_DIR/mariadbd.log" \
    --bind-address=127.0.0.1 --port=3306 --innodb-buffer-pool-size=128M --innodb-lock-wait-timeout=900 --skip-log-bin
}
ensure_daemon mariadbd probe_mariadbd start_mariadbd 0

step "database $DB_NAME and user $DB_USER"
mariadb --socket="$MYSQL_SOCKET" <<SQL
CREATE DATABASE IF NOT EXISTS $DB_NAME;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$db_pass';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$db_pass';
GRANT ALL ON $DB_NAME.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
step_done

probe_slurmdbd() { sacctmgr -n -P show cluster; }
start_slurmdbd() { launch slurmdbd slurmdbd -D; }
ensure_daemon slurmdbd probe_slurmdbd start_slurmdbd "$dbd_changed"

step "cluster $SANDBOX_CLUSTER in slurmdbd"
if sacctmgr -n -P list cluster format=cluster | grep -qx "$SANDBOX_CLUSTER"; then
  step_done "exists"
else
  sacctmgr -i add cluster "$SANDBOX_CLUSTER" | sed 's/^/   /'
  step_done "added"
fi

step "QoS normal, paused, limited"
have_qos=$(sacctmgr -n -P show qos format=Name)
add_qos() { # add_qos <name> <set-args...>
  local q=$1
  shift
  if grep -qx "$q" <<<"$have_qos"; then
    log "    $q: exists"
  else
    sacctmgr -i add qos "$q" "$@" >/dev/null
    log "    $q: added${*:+ with $*}"
  fi
}
add_qos normal
# Either limit alone makes sbatch fail at submit time under an association whose QoS list is {paused}
# (GrpSubmitJobs is checked first: "QOSGrpSubmitJobsLimit"); both are set. See FINDINGS.md §5.
add_qos paused MaxSubmitJobsPerUser=0 GrpSubmitJobs=0
add_qos limited GrpTRES=cpu=1
step_done

probe_slurmctld() { scontrol ping | grep -q 'is UP'; }
start_slurmctld() { launch slurmctld slurmctld -D -i; }
ensure_daemon slurmctld probe_slurmctld start_slurmctld "$slurm_changed"

# The node answers with its real state once slurmd has registered; a node drained by an earlier bad
# configuration stays drained across restarts, so resume it.
probe_slurmd_resume() {
  local st
  st=$(sinfo -h -n "$node_name" -o '%T' 2>/dev/null) || return 1
  case $st in
    idle | mixed | allocated | completing) return 0 ;;
    drained | draining | down)
      log "    node $node_name is $st ($(sinfo -h -n "$node_name" -o '%E')): resuming" >&3
      scontrol update nodename="$node_name" state=resume >&3 2>&1 || true
      return 1
      ;;
    *) return 1 ;;
  esac
}
start_slurmd() { launch slurmd slurmd -D; }
probe_slurmd_self() { scontrol show slurmd; } # asks the local slurmd itself, not slurmctld's view of the node
ensure_daemon slurmd probe_slurmd_resume start_slurmd "$slurm_changed" probe_slurmd_self

log "$(sinfo -h -o 'partition %P: %D node(s) %T, gres %G')"
log "sandbox ready: cluster $SANDBOX_CLUSTER, node $node_name, logs in $LOG_DIR, pids in $STATE_DIR"
log "total $(elapsed "$T_TOTAL") s"
