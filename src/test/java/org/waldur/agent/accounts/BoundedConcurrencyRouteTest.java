package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, "Bounded concurrency": the per-order Waldur work of a cycle runs on a pool of
 * {@code waldur_max_concurrent_requests} (here 3); the fake counts the requests it answers at once. One order's own
 * requests keep their order; SLURM is still written in one batch.
 */
class BoundedConcurrencyRouteTest extends AgentRouteTestSupport {
    private static final int ORDERS = 12;
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    @Override
    protected String configYaml() {
        return super.configYaml() + "\nwaldur_max_concurrent_requests: 3\n";
    }

    @Test
    void ordersTalkToWaldurAtMostThreeAtATimeEachInItsOwnOrder() throws Exception {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String r = waldur.addResource(offering, project, "a" + i, "a" + i, "Creating", null, Map.of("gres/gpu", 5));
            orders.add(waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 5)));
        }
        // every per-order request takes a while, so that concurrent ones overlap in the fake
        waldur.delayMatching("*", ".*/marketplace-(orders|provider-resources)/[0-9a-f]{32}/.*", 150);

        cycle("order-process");

        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"));
        }
        int max = waldur.maxInFlight();
        assertTrue(max <= 3, "never more than waldur_max_concurrent_requests at once: " + max);
        assertTrue(max >= 2, "orders did run concurrently: " + max);
        assertEquals(1, slurm.count("sacctmgr", "load"), "SLURM still written in one batch for all orders");
        List<FakeWaldur.RecordedRequest> all = waldur.requests();
        for (String o : orders) {
            String resource = (String) waldur.order(o).get("marketplace_resource_uuid");
            List<String> own = all.stream().filter(r -> r.path().contains(o) || r.path().contains(resource))
                    .map(r -> r.method() + " " + r.path().replace(o, "{order}").replace(resource, "{resource}")).toList();
            assertEquals(List.of(
                    "POST /api/marketplace-orders/{order}/approve_by_provider/",
                    "GET /api/marketplace-provider-resources/{resource}/",
                    "GET /api/marketplace-provider-resources/{resource}/team/",
                    "POST /api/marketplace-provider-resources/{resource}/set_backend_id/",
                    "POST /api/marketplace-provider-resources/{resource}/set_limits/",
                    "POST /api/marketplace-orders/{order}/set_state_done/"), own);
        }
        waldur.assertNoViolations();
    }
}
