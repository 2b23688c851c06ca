package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waldur requests per order (issue 12, "Fewer requests"): no request whose answer the agent already has. A Create
 * costs approve, resource, team, set_backend_id, set_limits, set_state_done; the cycle adds a few paged lists.
 */
class OrderRequestsRouteTest extends AgentRouteTestSupport {
    private static final int ORDERS = 30;
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    private String createOrder(String slug) {
        String r = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void aCreateOrderCostsSixRequestsPlusAConstant() throws Exception {
        member(project, "alice");
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orders.add(createOrder("alloc-" + i));
        }

        cycle("order-process");

        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"));
        }
        List<FakeWaldur.RecordedRequest> all = waldur.requests();
        String summary = all.stream().collect(Collectors.groupingBy(
                r -> r.method() + " " + r.path().replaceAll("[0-9a-f]{32}", "{uuid}"), java.util.TreeMap::new, Collectors.counting())).toString();
        assertEquals(0, waldur.count("GET", ".*/marketplace-orders/[0-9a-f]{32}/"),
                "an order is never read back: its state after approve and whether it still executes are known: " + summary);
        System.out.printf("Waldur requests: %d for %d Create orders (%.2f per order): %s%n", all.size(), ORDERS, all.size() / (double) ORDERS, summary);
        // the order list, the offering's names, the executing orders, the service and course accounts (a Create
        // associates its project's): one page each at 30 orders
        assertTrue(all.size() <= 6 * ORDERS + 5, all.size() + " requests for " + ORDERS + " orders: " + summary);
        assertEquals(1, waldur.count("GET", ".*/list_project_service_accounts/"), "once per cycle, not per Create");
        assertEquals(1, waldur.count("GET", ".*/list_course_accounts/"));
        waldur.assertNoViolations();
    }

    @Test
    void aCycleWithNoOpenOrderAsksWaldurOnceAndRunsNoSlurmProcess() throws Exception {
        String r = waldur.addResource(offering, project, "alloc", "alloc", "OK", "a_alloc", Map.of("gres/gpu", 5));
        waldur.addOrder(offering, r, "Create", "done", Map.of("gres/gpu", 5));

        cycle("order-process");

        assertEquals(1, waldur.requests().size(), "the open order list only: " + waldur.requests());
        assertEquals(0, slurm.total(), "nothing to plan: no snapshot read " + slurm.calls);
        waldur.assertNoViolations();
    }

    @Test
    void anOrderSomeoneElseFinishedMeanwhileIsNotMarkedDone() throws Exception {
        String order = createOrder("alloc");
        // another actor (an operator in the UI) sets the order done while the agent writes SLURM
        slurm.failWhen(argv -> {
            if (argv.contains("load")) {
                waldur.setOrderState(order, "done");
            }
            return false;
        });

        cycle("order-process");

        assertEquals(0, waldur.count("POST", ".*/set_state_done/"), "the executing list no longer held the order");
        assertEquals(0, waldur.count("POST", ".*/set_state_erred/"));
        waldur.assertNoViolations();
    }
}
