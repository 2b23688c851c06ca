#!/usr/bin/env bash
# Stops the sandbox cluster start.sh started (pg_ctlcluster, no systemd). Safe when it is not running.
# Leaves the package, the cluster and its data in place.
set -euo pipefail
[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }
command -v pg_lsclusters >/dev/null || exit 0
VERSION=$(pg_lsclusters -h | awk '$2 == "sandbox" { print $1 }' | head -n1)
[[ -n $VERSION ]] || exit 0
if [[ $(pg_lsclusters -h | awk '$2 == "sandbox" { print $4 }') == online ]]; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" sandbox stop -m fast
fi
echo "postgres-sandbox: stopped" >&2
