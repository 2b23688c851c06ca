package org.waldur.agent.accounts;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A name Waldur has recorded as a backend_id is never given to another resource, even when SLURM has no such
 * account (a deferred Create, an erred one, a terminated allocation): two resources on one account would both be
 * billed for its sacct usage. Project-slug naming, so every allocation of a project starts from the same name.
 */
class NameReuseRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");

    @BeforeEach
    void projectSlugNaming() {
        waldur.setOfferingPluginOption(offering, "account_name_generation_policy", "project_slug");
    }

    @Test
    void aDeferredCreateKeepsItsNameAndASecondCreateInTheProjectTakesTheNext() throws Exception {
        // the second Create was ordered first, so it is planned before the deferred one finishes
        String second = waldur.addResource(offering, project, "Second", "second", "Creating", null, Map.of());
        String secondOrder = waldur.addOrder(offering, second, "Create", "executing", Map.of());
        // a Create that recorded its backend_id in an earlier cycle, then was deferred before its account existed
        String deferred = waldur.addResource(offering, project, "First", "first", "Creating", "hpc_climate", Map.of());
        String deferredOrder = waldur.addOrder(offering, deferred, "Create", "executing", Map.of());

        cycle("order-process");

        assertEquals("done", waldur.order(deferredOrder).get("state"), () -> "" + waldur.order(deferredOrder));
        assertEquals("done", waldur.order(secondOrder).get("state"), () -> "" + waldur.order(secondOrder));
        assertEquals("hpc_climate", waldur.resource(deferred).get("backend_id"));
        assertEquals("hpc_climate-0", waldur.resource(second).get("backend_id"), "the deferred resource's name is not free");
        assertTrue(slurm.accounts.containsKey("hpc_climate") && slurm.accounts.containsKey("hpc_climate-0"));
        assertEquals(1, waldur.count("GET", ".*/marketplace-provider-resources/"), "one list of the offering's backend_ids per cycle");
        waldur.assertNoViolations();
    }

    @Test
    void theNameOfAnErredOrTerminatedResourceIsNotReused() throws Exception {
        waldur.addResource(offering, project, "Old", "old", "Terminated", "hpc_climate", Map.of());
        waldur.addResource(offering, project, "Broken", "broken", "Erred", "hpc_climate-0", Map.of());
        String fresh = waldur.addResource(offering, project, "Fresh", "fresh", "Creating", null, Map.of());
        String order = waldur.addOrder(offering, fresh, "Create", "executing", Map.of());

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"), () -> "" + waldur.order(order));
        assertEquals("hpc_climate-1", waldur.resource(fresh).get("backend_id"));
        waldur.assertNoViolations();
    }
}
