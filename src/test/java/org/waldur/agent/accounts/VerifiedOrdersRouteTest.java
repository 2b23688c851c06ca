package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Done means verified: an order is done only when a fresh read of SLURM shows its accounts and members. */
class VerifiedOrdersRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    private String createOrder(String slug) {
        String r = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void aLoadSlurmAcceptedButDidNotApplyIsRetriedAloneThenErredWithWhatIsMissing() throws Exception {
        member(project, "alice");
        String good = createOrder("good");
        String ghost = createOrder("ghost");
        slurm.swallowLoadWhen(file -> file.contains("hpc_ghost"));

        cycle("order-process");

        assertEquals("done", waldur.order(good).get("state"), () -> "" + waldur.order(good));
        assertTrue(slurm.accounts.get("hpc_good").users.contains("alice"));
        assertEquals("erred", waldur.order(ghost).get("state"), "SLURM said yes, but the account is not there");
        String why = String.valueOf(waldur.order(ghost).get("error_message"));
        assertTrue(why.contains("hpc_ghost") && why.contains("not in SLURM"), why);
        waldur.assertNoViolations();
    }

    @Test
    void verifyingCostsOneReadWhateverTheNumberOfOrders() throws Exception {
        for (int i = 0; i < 20; i++) {
            createOrder("alloc-" + i);
        }
        cycle("order-process");
        // 3 snapshot reads + 1 load + 1 verifying read
        assertEquals(5, slurm.total(), () -> "SLURM calls: " + slurm.calls);
        assertEquals(2, slurm.count("sacctmgr", "show"), "the snapshot's and the verifying association read");
    }
}
