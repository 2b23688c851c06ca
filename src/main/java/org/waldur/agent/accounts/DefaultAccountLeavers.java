package org.waldur.agent.accounts;

import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Who leaves default_account under policy {@code common} when a cycle's Terminates remove them. No Camel, no I/O. */
final class DefaultAccountLeavers {
    private DefaultAccountLeavers() {
    }

    /**
     * Policy {@code common}, after the cycle's removals ran: the members of the ready Terminates who, once the
     * cycle is over, have no allocation of the offering left (none that stays in SLURM holds them and no Create of
     * this cycle adds them) lose their association with default_account too, as membership_sync does for a member
     * leaving their last allocation (MembershipBatch.stale). Only those users: someone an administrator put in
     * default_account is never touched. Recorded on the first Terminate that removes each user; empty unless the
     * offering's allocations were read this cycle.
     */
    static List<OrderWork> of(SlurmSettings s, AssociationSnapshot snapshot, List<OrderWork> works,
                              Set<String> offeringAllocations) {
        String d = s.defaultAccount();
        AssociationSnapshot.Account common = d == null || d.isBlank() ? null : snapshot.get(d);
        if (!"common".equals(s.defaultAccountPolicy()) || common == null || offeringAllocations == null) {
            return List.of();
        }
        Set<String> gone = new LinkedHashSet<>();
        Set<String> staying = new LinkedHashSet<>();
        for (OrderWork w : works) {
            if (w.isReady()) {
                gone.addAll(w.removals);
                staying.addAll(w.changes.users());
            }
        }
        for (String id : offeringAllocations) {
            AssociationSnapshot.Account a = snapshot.get(id);
            if (a != null && !gone.contains(id) && !id.equals(d)) {
                staying.addAll(a.users());
            }
        }
        Set<String> leaving = new LinkedHashSet<>();
        List<OrderWork> out = new ArrayList<>();
        for (OrderWork w : works) {
            if (!w.isReady() || w.removals.isEmpty() || d.equals(w.account)) {
                continue;
            }
            for (String u : w.removalUsers) {
                if (common.users().contains(u) && !staying.contains(u) && !"root".equals(u) && leaving.add(u)) {
                    w.defaultLeaves.add(u);
                    w.leftDefaultAccount = d;
                }
            }
            if (!w.defaultLeaves.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
