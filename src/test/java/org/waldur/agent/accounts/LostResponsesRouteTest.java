package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waldur applied a state-changing POST but its response was lost (the fake applies, then drops the connection):
 * the retry meets "Valid states for operation: …" — the transition already happened, which never errs an order.
 */
class LostResponsesRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    private String createOrder(String slug) {
        String r = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void aLostApprovalNeverErrsTheOrder() throws Exception {
        String lost = createOrder("lost");
        String other = createOrder("other");
        waldur.dropAfterApplying("POST", ".*/" + lost + "/approve_by_provider/", 1);

        cycle("order-process");

        assertEquals("done", waldur.order(lost).get("state"), () -> "done in the same cycle: " + waldur.order(lost));
        assertEquals("done", waldur.order(other).get("state"));
        assertEquals(0, waldur.count("POST", ".*/set_state_erred/"));
        assertEquals(1, waldur.count("POST", ".*/" + lost + "/approve_by_provider/"), "read, not sent again blindly");
        assertEquals(1, waldur.count("GET", ".*/marketplace-orders/" + lost + "/"), "one read showed it executing");
        assertTrue(slurm.accounts.containsKey("hpc_lost"));
        waldur.assertNoViolations();
    }

    @Test
    void anApprovalThatFailedBeforeWaldurAppliedItIsSentAgainAfterTheRead() throws Exception {
        String order = createOrder("retry");
        waldur.failMatching("POST", ".*/" + order + "/approve_by_provider/", 503, 1);

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(2, waldur.count("POST", ".*/approve_by_provider/"), "the read showed pending-provider: sent again");
        waldur.assertNoViolations();
    }

    @Test
    void aRefusedTransitionTheOrderDidNotMakeIsNoSuccess() throws Exception {
        String order = createOrder("gone");
        // the consumer cancels while the agent approves: Waldur refuses, and the order is not executing
        waldur.failMatching("POST", ".*/" + order + "/approve_by_provider/", 503, 1);
        waldur.setOrderState(order, "canceled");

        cycle("order-process");

        assertEquals("canceled", waldur.order(order).get("state"));
        assertEquals(0, waldur.count("POST", ".*/set_backend_id/"), "nothing done for an order that was not approved");
        waldur.assertNoViolations();
    }

    @Test
    void aLostSetStateDoneNeverErrsTheOrder() throws Exception {
        String lost = createOrder("lost");
        waldur.dropAfterApplying("POST", ".*/" + lost + "/set_state_done/", 1);

        cycle("order-process");

        assertEquals("done", waldur.order(lost).get("state"));
        assertEquals(0, waldur.count("POST", ".*/set_state_erred/"), "the retry's 409 is no reason to err a done order");
        assertEquals(1, waldur.count("POST", ".*/set_state_done/"), "a read showed it done: not sent again");
        waldur.assertNoViolations();
    }

    @Test
    void lostBackendIdAndLimitsAreSimplySentAgain() throws Exception {
        String lost = createOrder("lost");
        waldur.dropAfterApplying("POST", ".*/set_backend_id/", 1);
        waldur.dropAfterApplying("POST", ".*/set_limits/", 1);

        cycle("order-process");

        assertEquals("done", waldur.order(lost).get("state"));
        assertEquals("hpc_lost", waldur.resource((String) waldur.order(lost).get("marketplace_resource_uuid")).get("backend_id"));
        waldur.assertNoViolations();
    }

    @Test
    void aRetryAfterIsWaitedBeforeTheNextAttempt() throws Exception {
        String order = createOrder("throttled");
        // test retries wait 10 ms; Waldur asks for 1 s
        waldur.failMatching("GET", ".*/marketplace-provider-resources/[0-9a-f]+/", 429, 1);
        waldur.failMatching("POST", ".*/set_backend_id/", 429, 1);

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(0, waldur.earlyRetries(), "no request came back before its Retry-After");
        waldur.assertNoViolations();
    }
}
