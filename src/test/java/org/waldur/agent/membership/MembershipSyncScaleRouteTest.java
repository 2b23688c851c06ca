package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SLURM processes and wall time of membership cycles for 10 and 100 resources with 5 users each (printed): the
 * writes are batched, the stale associations included (StaleRemovalPlan), so nothing grows with the resources.
 */
class MembershipSyncScaleRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Test
    void slurmProcessesPerCycleDoNotGrowWithResources() throws Exception {
        List<String> previous = new ArrayList<>();
        for (int n : new int[]{10, 100}) {
            previous.forEach(r -> waldur.setResourceState(r, "Terminated"));
            previous.clear();
            slurm.calls.clear();
            waldur.clearRequests();
            String prefix = "n" + n + "-";
            for (int i = 0; i < n; i++) {
                String p = waldur.addProject(customer, prefix + "p" + i, prefix + "p" + i);
                for (int u = 0; u < 5; u++) {
                    member(p, "u" + n + "_" + i + "_" + u);
                }
                FakeSlurm.Acct a = new FakeSlurm.Acct();
                a.parent = "root";
                a.users.add("u" + n + "_" + i + "_0");
                a.users.add("gone" + i);
                slurm.accounts.put("hpc_" + prefix + i, a);
                previous.add(waldur.addResource(offering, p, prefix + i, prefix + i, "OK", "hpc_" + prefix + i, Map.of()));
            }
            long t0 = System.nanoTime();
            cycle("membership-sync");
            long first = System.nanoTime() - t0;
            long firstTotal = slurm.total();
            long reads = slurm.count("sacctmgr", "show");
            long adds = slurm.count("sacctmgr", "add");
            long loads = slurm.count("sacctmgr", "load");
            long modifies = slurm.count("sacctmgr", "modify");
            long scancels = slurm.count("scancel");
            long removes = slurm.count("sacctmgr", "remove");
            long squeues = slurm.count("squeue");

            long firstWaldur = waldur.requests().size();
            slurm.calls.clear();
            waldur.clearRequests();
            t0 = System.nanoTime();
            cycle("membership-sync");
            long steady = System.nanoTime() - t0;

            System.out.printf("membership_sync %d resources x 5 users: first cycle %d SLURM processes (%d read, %d load, "
                            + "%d add, %d modify, %d squeue, %d scancel, %d remove), %d Waldur requests, %d ms; "
                            + "steady cycle %d SLURM process(es), %d Waldur requests, %d ms%n",
                    n, firstTotal, reads, loads, adds, modifies, squeues, scancels, removes, firstWaldur, first / 1_000_000,
                    slurm.total(), waldur.requests().size(), steady / 1_000_000);
            assertEquals(2, reads, "one association read per offering and one that verifies the writes, whatever the number of resources");
            assertEquals(1, loads, "one load with the 4 new users of every account");
            assertEquals(0, adds + modifies + scancels);
            assertEquals(1, squeues, "one look for the jobs of every stale association");
            assertEquals(1, removes, "one grouped removal for the stale user of every account (was one per association)");
            assertEquals(5, firstTotal, "2 reads, 1 load, 1 squeue, 1 removal");
            assertEquals(1, slurm.total(), "in sync: the one read, nothing else");
        }
        waldur.assertNoViolations();
    }

}
