package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Home directories for every member the agent adds — by a Create too — retried until mkhomedir_helper succeeds. */
class HomesForEveryAddedMemberRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");

    @Override
    protected String backendSettings() {
        return """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "hpc_"
                  project_prefix: "hpc_"
                  allocation_prefix: "hpc_"
                  cluster_name: "sandbox"
                  qos_default: "normal"
                  enable_user_homedir_account_creation: true
            """;
    }

    private List<String> homedirCalls() {
        return slurm.calls.stream().filter(c -> c.get(0).endsWith("mkhomedir_helper")).map(c -> c.get(1)).toList();
    }

    @Test
    void membersAddedByACreateGetTheirHomeAndAFailureIsRetriedNextCycle() throws Exception {
        member(project, "alice");
        member(project, "bob");
        String r = waldur.addResource(offering, project, "Alloc", "alloc", "Creating", null, Map.of());
        String order = waldur.addOrder(offering, r, "Create", "pending-provider", Map.of());
        AtomicInteger aliceFailures = new AtomicInteger(1);
        slurm.failWhen(argv -> argv.get(0).endsWith("mkhomedir_helper") && argv.get(1).equals("alice")
                && aliceFailures.getAndDecrement() > 0);

        cycle("order-process");
        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(List.of("alice", "bob"), homedirCalls().stream().sorted().toList(),
                "both added by the Create get their home in the same order_process cycle (no membership_sync needed)");

        slurm.calls.clear();
        cycle("order-process");
        assertEquals(List.of("alice"), homedirCalls(), "alice's failed; bob's is made and not made again");

        slurm.calls.clear();
        cycle("order-process");
        assertEquals(List.of(), homedirCalls());
        cycle("membership-sync");
        assertEquals(List.of(), homedirCalls(), "membership_sync does not make them a second time");
    }
}
