package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accounts several orders of one cycle share: the customer and project parents of a new project, and a project a
 * Terminate would leave empty while a Create of the same cycle adds to it. FakeSlurm refuses lines under an unknown
 * Parent and removes a removed account's sub-tree, as SLURM does (examples/slurm-sandbox/FINDINGS.md §1, §9).
 */
class SharedParentsRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");

    private String resource(String name, String slug) {
        return waldur.addResource(offering, project, name, slug, "Creating", null, Map.of("gres/gpu", 5));
    }

    private String create(String resource) {
        return waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void laterOrdersOfANewProjectCarryTheirParentsWhenTheFirstIsDeferred() throws Exception {
        String firstResource = resource("First", "first");
        String first = create(firstResource);
        String second = create(resource("Second", "second"));
        String third = create(resource("Third", "third"));
        waldur.failMatching("POST", ".*/" + firstResource + "/set_backend_id/", 503, -1);

        cycle("order-process");

        assertEquals("executing", waldur.order(first).get("state"), "503 is transient: left for the next cycle");
        assertEquals("done", waldur.order(second).get("state"), () -> "" + waldur.order(second));
        assertEquals("done", waldur.order(third).get("state"));
        assertEquals("hpc_climate-2024", slurm.accounts.get("hpc_second").parent);
        assertEquals("hpc_climate-2024", slurm.accounts.get("hpc_third").parent);
        assertEquals("hpc_uni-tartu", slurm.accounts.get("hpc_climate-2024").parent);

        waldur.clearFaults();
        cycle("order-process");
        assertEquals("done", waldur.order(first).get("state"));
        assertEquals("hpc_climate-2024", slurm.accounts.get("hpc_first").parent);
        waldur.assertNoViolations();
    }

    @Test
    void laterOrdersOfANewProjectCarryTheirParentsWhenTheFirstOnesLoadFails() throws Exception {
        String first = create(resource("First", "first"));
        String second = create(resource("Second", "second"));
        slurm.failLoadWhen(file -> file.contains("hpc_first"));

        cycle("order-process");

        assertEquals("erred", waldur.order(first).get("state"));
        assertEquals("done", waldur.order(second).get("state"), () -> "" + waldur.order(second));
        assertEquals("hpc_climate-2024", slurm.accounts.get("hpc_second").parent);
        assertEquals("hpc_uni-tartu", slurm.accounts.get("hpc_climate-2024").parent);
    }

    /** SLURM holds the project with one allocation, which a Terminate removes; a Create adds another. */
    private String existingAllocation() {
        FakeSlurm.Acct cust = new FakeSlurm.Acct();
        cust.parent = "root";
        slurm.accounts.put("hpc_uni-tartu", cust);
        FakeSlurm.Acct proj = new FakeSlurm.Acct();
        proj.parent = "hpc_uni-tartu";
        proj.org = "hpc_climate-2024";
        slurm.accounts.put("hpc_climate-2024", proj);
        FakeSlurm.Acct old = new FakeSlurm.Acct();
        old.parent = "hpc_climate-2024";
        old.org = "hpc_climate-2024";
        slurm.accounts.put("hpc_old", old);
        return waldur.addResource(offering, project, "Old", "old", "OK", "hpc_old", Map.of());
    }

    @Test
    void terminateThenCreateInOneProjectKeepsTheProjectAndTheNewAllocation() throws Exception {
        String old = existingAllocation();
        String terminate = waldur.addOrder(offering, old, "Terminate", "executing", Map.of());
        String create = create(resource("New", "new"));

        cycle("order-process");

        assertDone(terminate, create);
    }

    @Test
    void createThenTerminateInOneProjectKeepsTheProjectAndTheNewAllocation() throws Exception {
        String old = existingAllocation();
        String create = create(resource("New", "new"));
        String terminate = waldur.addOrder(offering, old, "Terminate", "executing", Map.of());

        cycle("order-process");

        assertDone(terminate, create);
    }

    @Test
    void aDeferredTerminateKeepsTheProjectAnotherTerminateWouldEmpty() throws Exception {
        String old = existingAllocation();
        FakeSlurm.Acct other = new FakeSlurm.Acct();
        other.parent = "hpc_climate-2024";
        other.org = "hpc_climate-2024";
        slurm.accounts.put("hpc_other", other);
        String otherResource = waldur.addResource(offering, project, "Other", "other", "OK", "hpc_other", Map.of());
        String t1 = waldur.addOrder(offering, old, "Terminate", "executing", Map.of());
        String t2 = waldur.addOrder(offering, otherResource, "Terminate", "executing", Map.of());
        waldur.failMatching("GET", ".*/marketplace-provider-resources/" + otherResource + "/", 503, -1);

        cycle("order-process");

        assertEquals("done", waldur.order(t1).get("state"));
        assertEquals("executing", waldur.order(t2).get("state"));
        assertTrue(slurm.accounts.containsKey("hpc_other"), "the deferred Terminate's allocation is still there");
        assertTrue(slurm.accounts.containsKey("hpc_climate-2024"));
    }

    @Test
    void componentsWaldurHasButTheConfigLacksAreNamedInOneWarningPerCycle() throws Exception {
        String r1 = waldur.addResource(offering, project, "One", "one", "Creating", null, Map.of("gres/gpu", 5, "storage", 3));
        waldur.addOrder(offering, r1, "Create", "pending-provider", Map.of("gres/gpu", 5, "storage", 3));
        String r2 = waldur.addResource(offering, project, "Two", "two", "Creating", null, Map.of("licence", 1));
        waldur.addOrder(offering, r2, "Create", "pending-provider", Map.of("licence", 1));
        try (org.waldur.agent.support.CapturedLog log = org.waldur.agent.support.CapturedLog.attach()) {
            cycle("order-process");
            java.util.List<String> warnings = log.lines().stream()
                    .filter(l -> l.startsWith("WARN") && (l.contains("storage") || l.contains("licence"))).toList();
            assertEquals(1, warnings.size(), () -> "" + warnings);
            assertTrue(warnings.get(0).contains("storage") && warnings.get(0).contains("licence"), warnings.get(0));
            assertTrue(warnings.get(0).contains("backend_components"), warnings.get(0));
        }
    }

    private void assertDone(String terminate, String create) {
        assertEquals("done", waldur.order(terminate).get("state"));
        assertEquals("done", waldur.order(create).get("state"));
        assertFalse(slurm.accounts.containsKey("hpc_old"));
        assertTrue(slurm.accounts.containsKey("hpc_climate-2024"), "the project still has an allocation");
        assertEquals("hpc_climate-2024", slurm.accounts.get("hpc_new").parent, "the new allocation survived the cycle");
        waldur.assertNoViolations();
    }
}
