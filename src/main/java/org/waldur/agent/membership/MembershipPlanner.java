package org.waldur.agent.membership;

import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Decides, for one resource, what its SLURM account must look like against the cycle's association snapshot
 * (site-agent-behaviour.md §9). The Waldur team is the truth:
 * <ul>
 *   <li>wanted = offering usernames of team members whose offering user is OK (others are skipped, with the
 *       reason logged), and the usernames of the project's service and course accounts in state OK
 *       ({@link ProjectAccounts});</li>
 *   <li>add = wanted − present, stale = present − wanted — every SLURM member who is not wanted, not only those
 *       Waldur still knows as offering users (upstream gh-13 left people who quit every project in place);</li>
 *   <li>{@code restrict_member_access}: everyone goes, nobody is added;</li>
 *   <li>QoS: {@code paused} → {@code qos_paused}, else {@code downscaled} → {@code qos_downscaled}, else
 *       {@code qos_default}; a missing setting is this resource's problem only. What the agent owns: the three
 *       configured QoS names. Paused or downscaled, the account's list is exactly that one QoS (any other would
 *       let jobs escape the pause). Otherwise qos_default must be in the list and the other two must not;
 *       a QoS an administrator granted beside it ({@code qos=high,normal}) stays.</li>
 *   <li>A SLURM user whose name is not safe for a command is reported and left in place, never removed by a
 *       command built from it.</li>
 * </ul>
 * No Camel, no I/O: the routes run what it decides.
 */
public final class MembershipPlanner {
    private final SlurmSettings s;
    private final AssociationSnapshot snapshot;
    private final Consumer<String> log;

    public MembershipPlanner(SlurmSettings settings, AssociationSnapshot snapshot, Consumer<String> log) {
        this.s = settings;
        this.snapshot = snapshot;
        this.log = log;
    }

    /** The SLURM account of a resource, or an exception naming why its backend_id cannot be one. */
    public static String account(Resource r) {
        return SlurmNames.account(r.backendId().trim());
    }

    public boolean accountExists(Resource r) {
        return snapshot.exists(account(r));
    }

    public MembershipWork plan(Resource r, List<TeamMember> team) {
        return plan(r, team, List.of());
    }

    /**
     * As {@link #plan(Resource, List)}, the project's service and course accounts joining the team: their OK
     * usernames are wanted too ({@link ProjectAccounts#wanted}), so they are added, kept and removed like members.
     */
    public MembershipWork plan(Resource r, List<TeamMember> team, List<ProjectAccounts.Entry> accounts) {
        String account = account(r);
        AssociationSnapshot.Account a = snapshot.get(account);
        MembershipWork w = new MembershipWork(r, account, a == null);
        if (a == null) {
            return w;
        }
        Set<String> present = new TreeSet<>();
        for (String u : a.users()) {
            if (SlurmNames.isUser(u)) {
                present.add(u);
            } else {
                log.accept(w + ": SLURM user '" + u + "' in " + account + " is not a safe SLURM user name ("
                        + SlurmNames.USER.pattern() + "); left in place, remove it by hand if it should go");
            }
        }
        Set<String> wanted = r.restrictMemberAccess() ? Set.of() : wanted(r, team, accounts, w);
        for (String u : new TreeSet<>(wanted)) {
            (present.contains(u) ? w.existing : w.add).add(u);
        }
        for (String u : present) {
            if (!wanted.contains(u)) {
                w.stale.add(u);
            }
        }
        if (r.restrictMemberAccess() && !w.stale.isEmpty()) {
            log.accept(w + ": restrict_member_access is set; removing all " + w.stale.size() + " user(s)");
        }
        w.defaultAccount = s.defaultAccountFor(account);
        w.partitions = s.defaultPartition() == null || s.defaultPartition().isBlank() ? List.of() : List.of(s.defaultPartition());
        w.qos = a.qos == null ? "" : a.qos;
        qos(r, w);
        return w;
    }

    private Set<String> wanted(Resource r, List<TeamMember> team, List<ProjectAccounts.Entry> accounts, MembershipWork w) {
        Consumer<String> skipped = reason -> {
            w.skipped.add(reason);
            log.accept(w + ": " + reason);
        };
        Set<String> out = wanted(team, skipped);
        out.addAll(ProjectAccounts.wanted(accounts, skipped));
        return out;
    }

    /**
     * Why {@code name} in {@code state} cannot become a SLURM user (no name, not OK, not safe for a command), or
     * null when it can: one rule for team members' offering users ({@code kind} "offering ") and for service and
     * course accounts ({@code kind} "").
     */
    static String unusable(String kind, String name, String state) {
        if (name.isEmpty()) {
            return "has no " + kind + "username";
        } else if (!"OK".equals(state)) {
            return kind + "user '" + name + "' is " + (state == null ? "missing" : state) + ", not OK";
        } else if (!SlurmNames.isUser(name)) {
            return kind + "username '" + name + "' is not a safe SLURM user name (" + SlurmNames.USER.pattern() + ")";
        }
        return null;
    }

    /**
     * Offering usernames of the members whose offering user is OK and whose name is safe for SLURM; every other
     * member is reported to {@code skipped} with the reason.
     */
    public static Set<String> wanted(List<TeamMember> team, Consumer<String> skipped) {
        Set<String> out = new LinkedHashSet<>();
        for (TeamMember m : team == null ? List.<TeamMember>of() : team) {
            String name = m.offeringUserUsername() == null ? "" : m.offeringUserUsername().trim();
            String why = unusable("offering ", name, m.offeringUserState());
            if (why == null) {
                out.add(name);
            } else {
                skipped.accept("team member " + m.username() + " " + why + "; skipped");
            }
        }
        return out;
    }

    private void qos(Resource r, MembershipWork w) {
        String target;
        String key;
        if (r.paused()) {
            target = s.qosPaused();
            key = "paused, but qos_paused";
        } else if (r.downscaled()) {
            target = s.qosDownscaled();
            key = "downscaled, but qos_downscaled";
        } else {
            target = s.qosDefault();
            key = "neither paused nor downscaled, but qos_default";
        }
        if (target == null || target.isBlank()) {
            w.problem("the resource is " + key + " is not configured; the QoS of " + w.account + " was not changed");
        } else {
            w.qosTarget = target;
            w.qosList = qosList(w.qos, target, !r.paused() && !r.downscaled());
        }
    }

    /**
     * The account's QoS list the agent wants: exactly {@code target} when paused or downscaled; otherwise the
     * current list without the QoS the agent manages, plus {@code target} (sorted, comma-separated).
     */
    String qosList(String current, String target, boolean keepOthers) {
        Set<String> out = new TreeSet<>();
        if (keepOthers) {
            Set<String> managed = new TreeSet<>();
            for (String q : new String[]{s.qosDefault(), s.qosDownscaled(), s.qosPaused()}) {
                if (q != null && !q.isBlank()) {
                    managed.add(q.toLowerCase());
                }
            }
            out.addAll(qosSet(current));
            out.removeAll(managed);
        }
        out.add(target.toLowerCase());
        return String.join(",", out);
    }

    private static Set<String> qosSet(String list) {
        return Arrays.stream(list == null ? new String[0] : list.split(","))
                .map(String::trim).filter(q -> !q.isEmpty()).map(String::toLowerCase).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Two QoS lists ({@code normal}, {@code high,normal}) hold the same QoS, whatever the order and case. */
    static boolean sameQos(String current, String target) {
        return qosSet(current).equals(qosSet(target));
    }
}
