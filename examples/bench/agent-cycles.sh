#!/usr/bin/env bash
# One agent cycle per mode, timed as a user runs it: builds the distribution and the test classpath (skip with
# BENCH_SKIP_BUILD=1), then runs org.waldur.agent.it.AgentCycleBench with the arguments given, e.g.
#   bash examples/bench/agent-cycles.sh                      # orders 100, report 200, membership 20, 30 ms, 3 runs
#   bash examples/bench/agent-cycles.sh --slurm real --runs 1
# With --slurm real it holds /tmp/slurm-it.lock for the whole bench, as every real-SLURM suite does.
# JAVA_OPTS, when set, replaces the launcher's default JVM flags for the agent (not for the bench itself);
# AGENT_DIST=DIR benches another distribution directory; BENCH_KEEP_LOGS=1 keeps every run's agent log.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  # shellcheck disable=SC2086
  mvn -B -q -ntp ${MVN_FLAGS:-} package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test-classpath.txt
fi
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
# (java itself ignores JAVA_OPTS: it reaches only the agent's launcher, through the environment)
bench=(java -Xmx512m -Dagent.dist="${AGENT_DIST:-target/dist/waldur-camel-agent}" -cp "$cp" org.waldur.agent.it.AgentCycleBench "$@")
if [[ " $* " == *" --slurm real "* ]]; then
  exec flock /tmp/slurm-it.lock "${bench[@]}"
fi
exec "${bench[@]}"
