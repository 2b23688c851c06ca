#!/usr/bin/env bash
# Installs the Debian package built by `mvn package` (target/waldur-camel-agent_*_all.deb) with dpkg, checks what
# an operator relies on, and removes and purges it again. Root only; idempotent (purges an earlier install first).
#   - files under /opt/waldur-camel-agent, the launcher on PATH, every subcommand answering --help;
#   - /etc/waldur/* are conffiles: an edited one survives a reinstall and a remove, and goes on purge;
#   - postinst enables and starts nothing; every unit passes `systemd-analyze verify` (works without a running
#     systemd: it loads the unit files and checks ExecStart= and the directives).
set -euo pipefail
deb="${1:-$(ls -t "$(dirname "$0")"/../../target/waldur-camel-agent_*_all.deb | head -1)}"
[ "$(id -u)" = 0 ] || { echo "check-package: needs root (dpkg -i)" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
if ! command -v systemd-analyze >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi
checks=0
ok() { checks=$((checks + 1)); echo "  ok: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }

dpkg -P waldur-camel-agent >/dev/null 2>&1 || true
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
echo "check-package: installed $(dpkg-query -W -f='${Package} ${Version}' waldur-camel-agent)"

[ -x /opt/waldur-camel-agent/bin/waldur-camel-agent ] && [ -f /opt/waldur-camel-agent/waldur-camel-agent.jar ] \
  && [ -d /opt/waldur-camel-agent/routes ] || fail "distribution not under /opt/waldur-camel-agent"
ok "distribution under /opt/waldur-camel-agent"
waldur-camel-agent --version | grep -q '^waldur-camel-agent ' || fail "waldur-camel-agent --version on PATH"
for cmd in load-components diagnostics healthz create-homedirs; do
  waldur-camel-agent "$cmd" --help | grep -q "Usage: waldur-camel-agent $cmd" || fail "$cmd --help"
done
ok "launcher on PATH; load-components, diagnostics, healthz, create-homedirs answer --help"
[ -s /opt/waldur-camel-agent/lib/waldur-camel-agent.jsa ] || fail "postinst wrote no class-data archive"
# -Xshare:on turns an archive the JVM cannot use (made for another directory, other jars or JVM) into an error
archive_maps() { JAVA_OPTS="-Xshare:on -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" waldur-camel-agent --version >/dev/null 2>&1; }
archive_maps || fail "the class-data archive does not map in /opt/waldur-camel-agent"
ok "postinst made the class-data archive and the JVM maps it"
# A JDK upgrade would leave an archive of the old JVM build, which the JVM refuses: the package's file trigger on
# /usr/lib/jvm (src/deb/control/triggers) runs postinst, which makes a new one
before=$(stat -c '%i %y' /opt/waldur-camel-agent/lib/waldur-camel-agent.jsa)
dpkg-trigger --no-await /usr/lib/jvm && dpkg --triggers-only waldur-camel-agent >/dev/null \
  || fail "dpkg could not run the /usr/lib/jvm trigger"
after=$(stat -c '%i %y' /opt/waldur-camel-agent/lib/waldur-camel-agent.jsa)
[ "$before" != "$after" ] || fail "the /usr/lib/jvm trigger did not remake the class-data archive"
archive_maps || fail "the class-data archive the trigger made does not map"
ok "a change under /usr/lib/jvm (a JDK upgrade) remakes the class-data archive"

conffiles=$(dpkg-query -W -f='${Conffiles}' waldur-camel-agent)
for f in /etc/waldur/waldur-site-agent-config.yaml /etc/waldur/waldur-camel-agent.env; do
  echo "$conffiles" | grep -q " $f " || fail "$f is not a conffile"
done
[ "$(stat -c %a /etc/waldur/waldur-site-agent-config.yaml)" = 600 ] || fail "config file must be 0600 (it holds the token)"
ok "/etc/waldur files are conffiles, the config readable by root only"

units=(/lib/systemd/system/waldur-camel-agent*.service)
[ "${#units[@]}" = 6 ] || fail "expected 6 units, found ${#units[@]}: ${units[*]}"
if ls /etc/systemd/system/*.wants/waldur-camel-agent* >/dev/null 2>&1; then fail "postinst enabled a unit"; fi
if pgrep -f '/opt/waldur-camel-agent/waldur-camel-agent.jar' >/dev/null; then fail "postinst started the agent"; fi
ok "6 units installed, none enabled, no agent process started"
for u in "${units[@]}"; do
  out=$(systemd-analyze verify "$u" 2>&1) || fail "systemd-analyze verify $u: $out"
  if echo "$out" | grep -q "$(basename "$u")"; then fail "systemd-analyze verify $u warns: $out"; fi
done
ok "systemd-analyze verify: ${#units[@]} units clean"

# healthz from the installed package: no cycle has run, so it must fail and say so.
set +e
health=$(waldur-camel-agent healthz -c /etc/waldur/waldur-site-agent-config.yaml --state-dir "$(mktemp -d)" 2>&1); rc=$?
set -e
[ "$rc" = 1 ] && echo "$health" | grep -q "no completed cycle recorded" || fail "healthz before any cycle: rc=$rc $health"
ok "healthz exits 1 before any cycle: $(echo "$health" | head -1)"

echo "# edited by check-package" >> /etc/waldur/waldur-site-agent-config.yaml
dpkg -i "$deb" >/dev/null || fail "reinstall"
grep -q "edited by check-package" /etc/waldur/waldur-site-agent-config.yaml || fail "reinstall overwrote the edited config"
ok "an edited config survives a reinstall"

dpkg -r waldur-camel-agent >/dev/null || fail "dpkg -r"
[ ! -e /opt/waldur-camel-agent/waldur-camel-agent.jar ] && [ ! -e /usr/bin/waldur-camel-agent ] \
  && [ ! -e /opt/waldur-camel-agent/lib ] || fail "files left after remove"
grep -q "edited by check-package" /etc/waldur/waldur-site-agent-config.yaml || fail "remove deleted the config"
ok "remove: program gone, configuration kept"
dpkg -P waldur-camel-agent >/dev/null || fail "dpkg -P"
[ ! -e /etc/waldur/waldur-site-agent-config.yaml ] && [ ! -e /var/lib/waldur-camel-agent ] || fail "files left after purge"
ok "purge: configuration and state gone"
echo "check-package: $checks checks of $(basename "$deb") passed"
