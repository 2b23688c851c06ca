package org.waldur.agent.periodic;

import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.TresString;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a burst of RESOURCE_PERIODIC_LIMITS messages asks of SLURM, decided without Camel or I/O:
 * <ol>
 *   <li>{@link #of}: the messages, checked, grouped by SLURM account (the last message of an account wins; the
 *       others of the burst get its verdict); accounts this agent does not manage are refused;</li>
 *   <li>{@link #diff}: against the association read ({@link AssociationSnapshot}: Fairshare, GrpTRESMins,
 *       MaxTRESMins of the account row), only what differs is written — one bare {@code Account} line per account
 *       in ONE {@code sacctmgr load} ({@link #load()}), the named TRES only (SLURM keeps the others,
 *       examples/slurm-sandbox/FINDINGS.md §25) — and the accounts whose RawUsage is due for reset, in ONE
 *       {@code modify … set RawUsage=0} ({@link #resets()}); a reset is never diffed (the reference neither: the
 *       message asks for it only when due);</li>
 *   <li>{@link #verify}: a second read must show every written value, else that account's verdict is a failure;</li>
 *   <li>{@link #reports()}: one report-command-result per message, with the commands really run for its account.</li>
 * </ol>
 */
public final class PeriodicLimitsPlan {

    /** One SLURM account of the burst and what happens to it. */
    public static final class Item {
        public final String account;
        final List<PeriodicLimitsMessage> messages = new ArrayList<>();
        /** Load fields to write (Fairshare, GrpTRESMins or MaxTRESMins), SLURM's own text; empty: nothing differs. */
        public final Map<String, String> writes = new LinkedHashMap<>();
        public final List<String> commands = new ArrayList<>();
        String parent = "root";
        String error;
        /** SLURM was unreachable for this item's write: the whole burst is retried, nothing reported yet. */
        boolean slurmAway;

        Item(String account) {
            this.account = account;
        }

        public PeriodicLimitsMessage applied() {
            return messages.get(messages.size() - 1);
        }

        public boolean reset() {
            return error == null && applied().resetRawUsage();
        }

        public String error() {
            return error;
        }

        public void failed(String why) {
            if (error == null) {
                error = why;
            }
        }

        public void ran(String command) {
            commands.add(command);
        }

        public void slurmAway() {
            slurmAway = true;
        }

        /** The bare load line of this account (the text the batched load holds for it). */
        public String line() {
            StringBuilder b = new StringBuilder("Account - '").append(account).append("'");
            writes.forEach((k, v) -> b.append(':').append(k).append("='").append(v).append("'"));
            return b.toString();
        }

        @Override
        public String toString() {
            return account;
        }
    }

    /** One report-command-result call: the policy in the path, the body as the 8.0.5 SlurmCommandResultRequest. */
    public record Report(String policyUuid, String resourceUuid, boolean success, Map<String, Object> body) {
    }

    private final Map<String, Item> items = new LinkedHashMap<>();
    /** Messages that cannot be applied at all (their problem is their verdict). */
    private final List<PeriodicLimitsMessage> refused = new ArrayList<>();
    private String cluster;

    private PeriodicLimitsPlan() {
    }

    public static PeriodicLimitsPlan of(List<String> bodies, SlurmSettings settings) {
        PeriodicLimitsPlan p = new PeriodicLimitsPlan();
        for (String body : bodies) {
            PeriodicLimitsMessage m = PeriodicLimitsMessage.parse(body, settings.periodicLimits());
            String notOurs = m.usable() ? notManaged(m.backendId(), settings) : null;
            if (!m.usable() || notOurs != null) {
                p.refused.add(notOurs == null ? m : withProblem(m, notOurs));
                continue;
            }
            p.items.computeIfAbsent(m.backendId(), Item::new).messages.add(m);
        }
        return p;
    }

    /**
     * Only allocation accounts of this offering take a policy: never the root, default or parent account, and
     * with an allocation prefix only names that carry it (a policy must not reach another offering's accounts).
     */
    static String notManaged(String account, SlurmSettings s) {
        for (String reserved : new String[]{"root", s.rootAccount(), s.defaultAccount(), s.parentAccount()}) {
            if (account.equals(reserved)) {
                return "backend_id '" + account + "' is the " + (account.equals("root") ? "root" : "configured root/default/parent")
                        + " account, not an allocation";
            }
        }
        String prefix = s.allocationPrefix();
        if (prefix != null && !prefix.isEmpty() && !account.startsWith(prefix)) {
            return "backend_id '" + account + "' lacks the allocation prefix '" + prefix + "' of this offering";
        }
        return null;
    }

    private static PeriodicLimitsMessage withProblem(PeriodicLimitsMessage m, String why) {
        return new PeriodicLimitsMessage(m.resourceUuid(), m.policyUuid(), m.backendId(), m.timestamp(), null, null,
                Map.of(), false, why);
    }

    public List<Item> items() {
        return List.copyOf(items.values());
    }

    public List<PeriodicLimitsMessage> refused() {
        return List.copyOf(refused);
    }

    /** The accounts to read before and after writing. */
    public List<String> accounts() {
        return List.copyOf(items.keySet());
    }

    public String cluster() {
        return cluster;
    }

    /** Decides each account's writes from what SLURM holds now. */
    public void diff(AssociationSnapshot now) {
        cluster = now.singleCluster();
        for (Item i : items.values()) {
            AssociationSnapshot.Account a = now.get(i.account);
            if (a == null) {
                i.failed("SLURM has no account " + i.account);
                continue;
            }
            i.parent = a.parent == null || a.parent.isEmpty() ? "root" : a.parent;
            PeriodicLimitsMessage m = i.applied();
            if (m.fairshare() != null && !sameNumber(a.fairshare, m.fairshare())) {
                i.writes.put("Fairshare", Long.toString(m.fairshare()));
            }
            Map<String, String> current = TresString.parse(current(a, m.limitType()));
            Map<String, Long> changed = new java.util.TreeMap<>();
            m.limits().forEach((tres, minutes) -> {
                if (!sameAmount(tres, current.get(tres), minutes)) {
                    changed.put(tres, minutes);
                }
            });
            if (!changed.isEmpty()) {
                i.writes.put(m.limitType(), TresString.format(changed));
            }
        }
    }

    private static String current(AssociationSnapshot.Account a, String limitType) {
        return "MaxTRESMins".equals(limitType) ? a.maxTresMins : a.grpTresMins;
    }

    /** SLURM prints mem in its own units ({@code mem=600G} is 614400 MB-minutes): compared as amounts. */
    private static boolean sameAmount(String tres, String slurm, long wanted) {
        return slurm != null && Math.round(TresString.amount(tres, slurm)) == wanted;
    }

    private static boolean sameNumber(String slurm, long wanted) {
        try {
            return slurm != null && Long.parseLong(slurm.strip()) == wanted;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Accounts with something to write. */
    public List<Item> writing() {
        return items.values().stream().filter(i -> i.error == null && !i.writes.isEmpty()).toList();
    }

    /** Accounts whose RawUsage is to be reset. */
    public List<Item> resets() {
        return items.values().stream().filter(Item::reset).toList();
    }

    /** One load for every account with writes (empty when none). */
    public LoadFile load() {
        LoadFile f = new LoadFile().cluster(cluster);
        writing().forEach(i -> f.existing(i.account, i.parent, i.writes));
        return f;
    }

    /** The load of one account alone, to isolate a failure of the batch. */
    public LoadFile load(Item i) {
        LoadFile f = new LoadFile().cluster(cluster);
        f.existing(i.account, i.parent, i.writes);
        return f;
    }

    public boolean slurmAway() {
        return items.values().stream().anyMatch(i -> i.slurmAway);
    }

    /** A fresh read after the writes: each written value must show, else the account's verdict is a failure. */
    public void verify(AssociationSnapshot after) {
        for (Item i : writing()) {
            AssociationSnapshot.Account a = after.get(i.account);
            if (a == null) {
                i.failed("SLURM no longer shows account " + i.account);
                continue;
            }
            List<String> missing = new ArrayList<>();
            i.writes.forEach((field, value) -> {
                if (field.equals("Fairshare")) {
                    if (!value.equals(a.fairshare.strip())) {
                        missing.add("Fairshare=" + value + " (SLURM shows " + a.fairshare + ")");
                    }
                } else {
                    Map<String, String> now = TresString.parse(current(a, field));
                    TresString.parse(value).forEach((tres, v) -> {
                        if (!sameAmount(tres, now.get(tres), Long.parseLong(v))) {
                            missing.add(field + " " + tres + "=" + v + " (SLURM shows " + now.getOrDefault(tres, "none") + ")");
                        }
                    });
                }
            });
            if (!missing.isEmpty()) {
                i.failed("written but not in SLURM afterwards: " + String.join(", ", missing));
            }
        }
    }

    /** One report per message: refused ones with their problem, the others with their account's verdict. */
    public List<Report> reports() {
        List<Report> out = new ArrayList<>();
        for (PeriodicLimitsMessage m : refused) {
            if (m.reportable()) {
                out.add(report(m, m.problem(), List.of()));
            }
        }
        for (Item i : items.values()) {
            for (PeriodicLimitsMessage m : i.messages) {
                out.add(report(m, i.error, i.commands));
            }
        }
        return out;
    }

    private static Report report(PeriodicLimitsMessage m, String error, List<String> commands) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resource_uuid", hyphenated(m.resourceUuid()));
        body.put("success", error == null);
        body.put("error_message", error == null ? "" : error);
        body.put("mode", "production");
        body.put("commands_executed", List.copyOf(commands));
        return new Report(m.policyUuid(), m.resourceUuid(), error == null, body);
    }

    private static String hyphenated(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
                + "-" + hex.substring(20);
    }
}
