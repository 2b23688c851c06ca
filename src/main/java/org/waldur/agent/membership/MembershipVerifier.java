package org.waldur.agent.membership;

import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.VerifiedWrites;

import java.util.ArrayList;
import java.util.List;

/**
 * Done means verified, for a membership cycle (as {@link org.waldur.agent.accounts.OrderVerifier} for orders): a
 * member is added, a QoS set, a stale association gone only when one fresh association read shows it. What the
 * read lacks is applied again alone ({@link #retries}); what SLURM then refuses or still does not show is the
 * resource's problem, with SLURM's message, and is not claimed (no home, not counted). No Camel, no I/O.
 */
final class MembershipVerifier {
    private MembershipVerifier() {
    }

    /** Whether the cycle wrote anything for {@code w} that a read must confirm. */
    static boolean wrote(MembershipWork w) {
        return !w.added.isEmpty() || w.qosWritten || !w.removed.isEmpty();
    }

    /** What of {@code w}'s writes the snapshot does not show, one phrase per gap; empty when it is all there. */
    static List<String> missing(MembershipWork w, AssociationSnapshot now) {
        List<String> gaps = new ArrayList<>();
        List<String> users = missingUsers(w, now);
        if (!users.isEmpty()) {
            gaps.add("user(s) " + String.join(",", users) + " have no association with " + w.account);
        }
        if (qosMissing(w, now)) {
            AssociationSnapshot.Account a = now.get(w.account);
            gaps.add("account " + w.account + " has QoS '" + (a == null ? "(no account)" : a.qos) + "', not " + w.qosList());
        }
        for (MembershipBatch.Stale s : stillThere(w, now)) {
            gaps.add("user " + s.user() + " still has an association with " + s.account());
        }
        return gaps;
    }

    /** The writes to apply again, each alone: the missing members in one load (or add), the QoS, each removal. */
    static List<VerifiedWrites.Retry> retries(MembershipWork w, AssociationSnapshot now, SlurmCommands commands,
                                               String cluster, boolean perAccountAdds) {
        List<VerifiedWrites.Retry> out = new ArrayList<>();
        List<String> users = missingUsers(w, now);
        w.unverified.clear();
        w.unverified.addAll(users);
        if (!users.isEmpty()) {
            out.add(new VerifiedWrites.Retry("adding " + String.join(",", users) + " to " + w.account, perAccountAdds
                    ? commands.addUsers(users, w.account, w.defaultAccount, w.partitions)
                    : commands.load(MembershipBatch.load(w, users).cluster(cluster))));
        }
        if (qosMissing(w, now)) {
            out.add(new VerifiedWrites.Retry("setting QoS " + w.qosList() + " on " + w.account,
                    commands.setQos(List.of(w.account), w.qosList(), w.qosTarget)));
        }
        for (MembershipBatch.Stale s : stillThere(w, now)) {
            out.add(new VerifiedWrites.Retry("removing " + s.user() + " from " + s.account(), commands.removeUser(s.user(), s.account())));
        }
        return out;
    }

    /** After the last read: only what it shows is claimed (added members get homes and are counted). */
    static void unclaim(MembershipWork w, AssociationSnapshot now) {
        w.added.removeAll(missingUsers(w, now));
        w.removed.removeAll(stillThere(w, now));
    }

    private static List<String> missingUsers(MembershipWork w, AssociationSnapshot now) {
        AssociationSnapshot.Account a = now.get(w.account);
        return w.added.stream().filter(u -> a == null || !a.users().contains(u)).toList();
    }

    private static boolean qosMissing(MembershipWork w, AssociationSnapshot now) {
        AssociationSnapshot.Account a = now.get(w.account);
        return w.qosWritten && (a == null || !MembershipPlanner.sameQos(a.qos, w.qosList()));
    }

    private static List<MembershipBatch.Stale> stillThere(MembershipWork w, AssociationSnapshot now) {
        return w.removed.stream().filter(s -> {
            AssociationSnapshot.Account a = now.get(s.account());
            return a != null && a.users().contains(s.user());
        }).toList();
    }
}
