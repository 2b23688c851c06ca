package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** slurmdbd unreachable in the middle of a cycle: transient, like Waldur's 5xx — the orders wait, none errs. */
class SlurmOutageRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    private String createOrder(String slug) {
        String r = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void slurmdbdGoingAwayAfterTheSnapshotLeavesEveryOrderForTheNextCycle() throws Exception {
        List<String> orders = List.of(createOrder("one"), createOrder("two"), createOrder("three"));
        slurm.outageWhen(argv -> argv.contains("load"));

        cycle("order-process");

        for (String o : orders) {
            assertEquals("executing", waldur.order(o).get("state"), () -> "" + waldur.order(o));
        }
        assertEquals(0, waldur.count("POST", ".*/set_state_erred/"));
        assertEquals(1, slurm.count("sacctmgr", "load"), "no one-by-one retries against a SLURM that is away");
        assertFalse(slurm.accounts.containsKey("hpc_one"));

        slurm.outageWhen(argv -> false);
        cycle("order-process");
        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"));
        }
        waldur.assertNoViolations();
    }

    @Test
    void membershipWritesDuringAnOutageLeaveTheResourceAsItIs() throws Exception {
        org.waldur.agent.support.FakeSlurm.Acct a = new org.waldur.agent.support.FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_alloc", a);
        String r = waldur.addResource(offering, project, "Alloc", "alloc", "OK", "hpc_alloc", Map.of());
        member(project, "alice");
        slurm.outageWhen(argv -> argv.contains("load"));

        cycle("membership-sync");

        assertEquals("OK", waldur.resource(r).get("state"));
        assertEquals(0, waldur.count("POST", ".*/set_as_erred/"));
        assertEquals(0, waldur.count("POST", ".*/refresh_last_sync/"), "nothing reported for a resource SLURM was away for");
        assertFalse(slurm.accounts.get("hpc_alloc").users.contains("alice"));

        slurm.outageWhen(argv -> false);
        cycle("membership-sync");
        assertEquals(java.util.Set.of("alice"), slurm.accounts.get("hpc_alloc").users);
        waldur.assertNoViolations();
    }
}
