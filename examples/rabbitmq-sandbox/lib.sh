# Shared settings for start.sh / stop.sh / status.sh (sourced, not run).
# shellcheck shell=bash

# Everything listens on loopback only. The fake Waldur in the tests reads the same defaults
# (src/test/java/org/waldur/agent/fake/Broker.java); change both together.
RMQ_ADMIN_USER="${RMQ_ADMIN_USER:-fake-waldur}"
RMQ_ADMIN_PASS="${RMQ_ADMIN_PASS:-fake-waldur}" # a loopback-only test broker: not a secret
RMQ_STATE_DIR="${RMQ_STATE_DIR:-/run/rabbitmq-sandbox}"
RMQ_LOG_DIR="${RMQ_LOG_DIR:-/var/log/rabbitmq-sandbox}"
RMQ_ETC=/etc/rabbitmq
RMQ_HOME=/var/lib/rabbitmq
export RABBITMQ_NODENAME=rabbit@localhost # the host name may not resolve in a container; localhost always does
export ERL_EPMD_ADDRESS=127.0.0.1         # epmd, started by the first Erlang program, listens on loopback only

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
log() { printf '%s\n' "$*"; }

# The CLI tools must run as the broker's user to share its Erlang cookie ($RMQ_HOME/.erlang.cookie).
rmqctl() { setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME="$RMQ_HOME" rabbitmqctl "$@"; }
rmqdiag() { setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME="$RMQ_HOME" rabbitmq-diagnostics "$@"; }

# True when the management API answers for the administrator: the broker is up and start.sh has configured it.
admin_answers() { curl -sf -o /dev/null -u "$RMQ_ADMIN_USER:$RMQ_ADMIN_PASS" http://127.0.0.1:15672/api/whoami; }
