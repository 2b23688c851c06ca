package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Without {@code cluster_name} (the reference's default), SLURM 22.05 can refuse {@code remove account} while the
 * account is a user's DefaultAccount — as it is for a new member under policy {@code individual}
 * (examples/slurm-sandbox/FINDINGS.md §18). The order must still end done.
 */
class TerminateDefaultAccountRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate 2024", "climate-2024");

    @Override
    protected String backendSettings() {
        return super.backendSettings().replace("      cluster_name: \"sandbox\"\n", "");
    }

    private String createOrder(String name, String slug) {
        String resource = waldur.addResource(offering, project, name, slug, "Creating", null, Map.of());
        return waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of());
    }

    @Test
    void terminateRemovesAnAllocationThatIsItsMembersDefaultAccount() throws Exception {
        member(project, "alice");
        String order = createOrder("Alloc", "alloc");
        cycle("order-process");
        assertEquals("hpc_alloc", slurm.defaultAccounts.get("alice"), "policy individual: the allocation is alice's default");

        String terminate = waldur.addOrder(offering, (String) waldur.order(order).get("marketplace_resource_uuid"),
                "Terminate", "executing", Map.of());
        cycle("order-process");

        assertEquals("done", waldur.order(terminate).get("state"), () -> "" + waldur.order(terminate));
        assertFalse(slurm.accounts.containsKey("hpc_alloc"));
        assertFalse(slurm.defaultAccounts.containsKey("alice"));
        assertEquals(3, slurm.count("sacctmgr", "remove"),
                "the batch removal is refused, then alice's association alone, then the accounts: " + slurm.calls);
        waldur.assertNoViolations();
    }

}
