#!/usr/bin/env bash
# End-to-end check of a running sandbox: account + user association, a 2 s GPU job as alice, its sacct row,
# the `paused` QoS refusing sbatch. Cleans up after itself (job history stays in sacct).
set -euo pipefail
acct=sbx_smoke_$$
T0=$(date +%s.%N)
cleanup() { # association first: `remove account` alone would leave alice as a SLURM user without associations
  sacctmgr -i remove user where name=alice account="$acct" >/dev/null 2>&1 || true
  sacctmgr -i remove account "$acct" >/dev/null 2>&1 || true
}
trap cleanup EXIT
sacctmgr -i add account "$acct" parent=root Description=smoke Organization=sandbox >/dev/null
sacctmgr -i add user alice account="$acct" >/dev/null
cd /tmp # alice cannot chdir into root's directories
job=$(runuser -u alice -- sbatch --parsable -A "$acct" -n 1 -t 2 --mem=100M --gres=gpu:1 -o /dev/null --wrap 'sleep 2')
echo "job $job submitted as alice under $acct"
for _ in $(seq 1 60); do
  state=$(sacct -X -n -P -j "$job" --format=State)
  [[ $state == COMPLETED ]] && break
  sleep 0.5
done
[[ $state == COMPLETED ]] || { echo "FAIL: job $job state '$state'"; exit 1; }
sacct -X -n -P -j "$job" --format=JobID,Account,User,State,ElapsedRaw,AllocTRES
sacctmgr -i modify account "$acct" set qos=paused >/dev/null
if runuser -u alice -- sbatch --parsable -A "$acct" -n 1 -t 2 --mem=100M -o /dev/null --wrap true 2>/dev/null; then
  echo "FAIL: sbatch accepted under qos=paused"; exit 1
fi
echo "sbatch refused under qos=paused"
sacctmgr -i modify account "$acct" set qos=normal >/dev/null
echo "OK in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
