package org.waldur.agent.accounts;

import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Done means verified: after the cycle's SLURM writes, one fresh association read decides whether an order's
 * part is really there — its accounts under their parents, its members' associations, its limits, or (Terminate)
 * its accounts gone. A write SLURM answered with success is not proof (examples/slurm-sandbox/FINDINGS.md §9: a
 * load that read no input says "Nothing new added." with exit 0). No Camel, no I/O.
 */
public final class OrderVerifier {
    private OrderVerifier() {
    }

    /** What of {@code w}'s plan the snapshot does not show, one phrase per gap; empty when it is all there. */
    public static List<String> missing(OrderWork w, AssociationSnapshot now) {
        List<String> gaps = new ArrayList<>();
        for (LoadFile.AccountLine a : w.changes.accounts().values()) {
            AssociationSnapshot.Account found = now.get(a.name());
            if (found == null) {
                gaps.add("account " + a.name() + " is not in SLURM");
            } else if (!a.parent().equals(found.parent)) {
                gaps.add("account " + a.name() + " hangs under '" + found.parent + "', not " + a.parent());
            } else if (!a.grpTresMins().isEmpty() && !OrderPlanner.sameLimits(found.grpTresMins, a.grpTresMins())) {
                gaps.add("account " + a.name() + " has GrpTRESMins '" + found.grpTresMins + "', not " + a.grpTresMins());
            }
        }
        for (Map.Entry<String, Set<String>> e : w.changes.associations().entrySet()) {
            AssociationSnapshot.Account found = now.get(e.getKey());
            for (String user : e.getValue()) {
                if (found == null || !found.users().contains(user)) {
                    gaps.add("user " + user + " has no association with " + e.getKey());
                }
            }
        }
        for (LoadFile.AccountLine a : w.limitChanges.accounts().values()) {
            AssociationSnapshot.Account found = now.get(a.name());
            if (found == null || !OrderPlanner.sameLimits(found.grpTresMins, a.grpTresMins())) {
                gaps.add("account " + a.name() + " has GrpTRESMins '" + (found == null ? "(no account)" : found.grpTresMins)
                        + "', not " + a.grpTresMins());
            }
        }
        AssociationSnapshot.Account common = w.leftDefaultAccount == null ? null : now.get(w.leftDefaultAccount);
        for (String user : w.defaultLeaves) {
            if (common != null && common.users().contains(user)) {
                gaps.add("user " + user + " still has an association with default_account " + w.leftDefaultAccount);
            }
        }
        for (String gone : w.removals) {
            if (now.exists(gone)) {
                gaps.add("account " + gone + " is still in SLURM");
            }
        }
        return gaps;
    }
}
