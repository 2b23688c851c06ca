#!/usr/bin/env bash
# The main job in one command: a small seeded Waldur marketplace (the simulator from the test tree), a real SLURM
# (examples/slurm-sandbox, started or reused), one order_process cycle of the agent, then what came of it:
# the orders' final states in Waldur and the accounts, limits and associations in sacctmgr.
# Not root: the sandbox cannot run here, so the agent runs with --dry-run (SLURM writes only logged).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/demo
mkdir -p "$out"
dist=target/dist/waldur-camel-agent
port="${DEMO_PORT:-8081}"

step() { printf '\n== %s\n' "$*"; }

if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    step "installing Java 17 and Maven (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven >/dev/null
  else
    echo "needs Java 17 and Maven: sudo apt-get install openjdk-17-jdk-headless maven" >&2
    exit 2
  fi
fi

if [ ! -x "$dist/bin/waldur-camel-agent" ] || [ ! -f target/test-classpath.txt ] || [ ! -d target/test-classes ]; then
  step "building the agent (first run only)"
  mvn -q -B -ntp package -DskipTests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
fi
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

dry=()
if [ "$(id -u)" = 0 ]; then
  step "SLURM sandbox (started, or reused if it runs)"
  bash examples/slurm-sandbox/start.sh
else
  step "not root: the SLURM sandbox cannot run here; the agent runs with --dry-run"
  dry=(--dry-run)
fi

step "Waldur simulator on port $port with a seeded marketplace"
java -cp "$cp" org.waldur.agent.fake.FakeWaldur --seed demo --port "$port" >"$out/simulator.out" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^WALDUR_OFFERING_UUID=' "$out/simulator.out" 2>/dev/null && break; sleep 0.1; done
eval "$(grep -E '^WALDUR_(API_URL|API_TOKEN|OFFERING_UUID)=' "$out/simulator.out")"
echo "Waldur API: $WALDUR_API_URL  offering: $WALDUR_OFFERING_UUID"

sed -e "s#http://localhost:8081/api/#$WALDUR_API_URL#" -e "s#CHANGEME#$WALDUR_API_TOKEN#" \
    -e "s#00000000000000000000000000000000#$WALDUR_OFFERING_UUID#" \
    examples/waldur-site-agent-config.yaml > "$out/config.yaml"

if [ "$(id -u)" = 0 ]; then
  step "SLURM: the demo's accounts reset, then the two allocations an earlier cycle made (the seed updates one and terminates the other)"
  # the simulator starts from its seed every time; so does SLURM, or a second demo would meet its own accounts
  for a in hpc_climate-sim hpc_genome-assembly hpc_old-alloc hpc_retired-alloc hpc_climate-2024 hpc_genomics hpc_uni-tartu; do
    sacctmgr -i remove account where name="$a" >/dev/null 2>&1 || true
  done
  sacctmgr -i load file=/dev/stdin >/dev/null <<'LOAD' || true
Cluster - 'sandbox'
Parent - 'root'
Account - 'hpc_uni-tartu':Description='University of Tartu':Organization='hpc_uni-tartu'
Parent - 'hpc_uni-tartu'
Account - 'hpc_climate-2024':Description='Climate 2024':Organization='hpc_climate-2024'
Account - 'hpc_genomics':Description='Genomics':Organization='hpc_genomics'
Parent - 'hpc_climate-2024'
Account - 'hpc_old-alloc':Description='old-alloc':Organization='hpc_climate-2024':GrpTRESMins=cpu=600000
Parent - 'hpc_genomics'
Account - 'hpc_retired-alloc':Description='retired-alloc':Organization='hpc_genomics':GrpTRESMins=cpu=300000
LOAD
fi

step "the agent: one order_process cycle (bin/waldur-camel-agent --once -m order_process ${dry[*]:-})"
set +e
"$dist/bin/waldur-camel-agent" --once -m order_process -c "$out/config.yaml" "${dry[@]}" 2>&1 | tee "$out/agent.log" \
  | grep -E 'planned|applying|approving|FAILED|DRY-RUN|cycle finished|error' || true
rc=${PIPESTATUS[0]}
set -e
echo "agent exit code: $rc (full log: $out/agent.log)"

step "Waldur after the cycle"
java -cp "$cp" org.waldur.agent.fake.DemoSummary "$WALDUR_API_URL"

if command -v sacctmgr >/dev/null; then
  step "SLURM after the cycle (sacctmgr show association, accounts hpc_*)"
  printf '%-20s %-18s %-7s %s\n' ACCOUNT PARENT USER GRPTRESMINS
  sacctmgr -n -P show association format=Account,ParentName,User,GrpTRESMins \
    | awk -F'|' '$1 ~ /^hpc_/ {printf "%-20s %-18s %-7s %s\n", $1, $2, $3, $4}'
fi
echo
echo "The sandbox keeps running for the next demo; stop it with: bash examples/slurm-sandbox/stop.sh"
