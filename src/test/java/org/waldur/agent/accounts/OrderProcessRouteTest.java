package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.CapturedLog;
import org.waldur.agent.support.FakeSlurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderProcessRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");

    private String createOrder(String name, String slug) {
        String resource = waldur.addResource(offering, project, name, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    @Test
    void createOrderBecomesCustomerProjectAndAllocationAccountsWithLimitsAndTeam() throws Exception {
        member(project, "alice");
        member(project, "bob");
        String order = createOrder("GPU allocation", "gpu-alloc");

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"), () -> "order: " + waldur.order(order));
        String resource = (String) waldur.order(order).get("marketplace_resource_uuid");
        assertEquals("hpc_gpu-alloc", waldur.resource(resource).get("backend_id"));
        assertEquals(Map.of("cpu", 10, "mem", 10, "gres/gpu", 5), waldur.resource(resource).get("limits"));
        FakeSlurm.Acct alloc = slurm.accounts.get("hpc_gpu-alloc");
        assertEquals("hpc_climate-2024", alloc.parent);
        assertEquals("hpc_climate-2024", alloc.org);
        assertEquals(Map.of("cpu", "600000", "mem", "614400", "gres/gpu", "300"), alloc.limits);
        assertEquals(List.of("alice", "bob"), new ArrayList<>(alloc.users));
        assertEquals("hpc_uni-tartu", slurm.accounts.get("hpc_climate-2024").parent);
        assertEquals("root", slurm.accounts.get("hpc_uni-tartu").parent);
        assertEquals(1, waldur.count("POST", ".*/approve_by_provider/"));
        waldur.assertNoViolations();
    }

    @Test
    void fiftyCreateOrdersCostAConstantNumberOfSlurmProcesses() throws Exception {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            orders.add(createOrder("Allocation " + i, "alloc-" + i));
        }

        cycle("order-process");

        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"));
        }
        assertEquals(50 + 2, slurm.accounts.size() - 1, "50 allocations, customer, project (+ root)");
        // 3 reads (tres, associations, organizations) + 1 load, whatever the number of orders
        assertEquals(4, slurm.total(), () -> "SLURM calls: " + slurm.calls);
        assertEquals(1, slurm.count("sacctmgr", "load"));
        waldur.assertNoViolations();
    }

    @Test
    void oneBadOrderInABatchErrsAloneWithTheSlurmMessage() throws Exception {
        String good1 = createOrder("Good one", "good-1");
        String bad = createOrder("Bad one", "bad-1");
        String good2 = createOrder("Good two", "good-2");
        slurm.failWhen(argv -> argv.contains("load") && argv.size() > 0 && String.join(" ", argv).contains("load")
                && lastStdinHas("hpc_bad-1"));

        cycle("order-process");

        assertEquals("done", waldur.order(good1).get("state"));
        assertEquals("done", waldur.order(good2).get("state"));
        assertEquals("erred", waldur.order(bad).get("state"));
        assertTrue(((String) waldur.order(bad).get("error_message")).contains("forced failure"), () -> "" + waldur.order(bad));
        assertTrue(slurm.accounts.containsKey("hpc_good-1") && slurm.accounts.containsKey("hpc_good-2"));
        assertFalse(slurm.accounts.containsKey("hpc_bad-1"));
        waldur.assertNoViolations();
    }

    private final ThreadLocal<String> stdin = new ThreadLocal<>();

    private boolean lastStdinHas(String text) {
        String s = stdin.get();
        return s != null && s.contains(text);
    }

    @Override
    protected void cycle(String mode) throws Exception {
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(ex -> {
            stdin.set(ex.getMessage().getBody(String.class));
            slurm.process(ex);
        });
        runCycle(mode);
    }

    @Test
    void unsafeNamesNeverReachSacctmgr() throws Exception {
        String evil = createOrder("Evil", "x,root");
        String resource = waldur.addResource(offering, project, "Spaces", "a b", "Creating", null, Map.of());
        String spaces = waldur.addOrder(offering, resource, "Create", "executing", Map.of());

        cycle("order-process");

        assertEquals("erred", waldur.order(evil).get("state"));
        assertTrue(((String) waldur.order(evil).get("error_message")).contains("unsafe SLURM account name"));
        assertEquals("erred", waldur.order(spaces).get("state"));
        for (List<String> call : slurm.calls) {
            assertFalse(String.join(" ", call).contains("x,root"), () -> "reached SLURM: " + call);
        }
        assertEquals(0, slurm.count("sacctmgr", "load"), "nothing to create: both orders were refused");
        waldur.assertNoViolations();
    }

    @Test
    void updateSetsNewLimitsAndTerminateRemovesAllocationThenEmptyProject() throws Exception {
        String order = createOrder("Alloc", "alloc");
        cycle("order-process");
        String resource = (String) waldur.order(order).get("marketplace_resource_uuid");

        String update = waldur.addOrder(offering, resource, "Update", "executing", Map.of("cpu", 101, "mem", 301));
        cycle("order-process");
        assertEquals("done", waldur.order(update).get("state"));
        assertEquals("6060000", slurm.accounts.get("hpc_alloc").limits.get("cpu"));
        assertEquals("18493440", slurm.accounts.get("hpc_alloc").limits.get("mem"));

        slurm.runningJobs.add("77|hpc_alloc|alice");
        String terminate = waldur.addOrder(offering, resource, "Terminate", "pending-provider", Map.of());
        cycle("order-process");
        assertEquals("done", waldur.order(terminate).get("state"));
        assertFalse(slurm.accounts.containsKey("hpc_alloc"));
        assertFalse(slurm.accounts.containsKey("hpc_climate-2024"), "project had no other child");
        assertTrue(slurm.accounts.containsKey("hpc_uni-tartu"), "customer accounts are never removed");
        assertTrue(slurm.runningJobs.isEmpty(), "the job was cancelled before the removal");
        waldur.assertNoViolations();
    }

    @Test
    void anUpdateSharingACycleWithANewTeamStillChangesTheLimits() throws Exception {
        String first = createOrder("First", "first");
        cycle("order-process");
        member(project, "alice");
        String second = createOrder("Second", "second");
        String update = waldur.addOrder(offering, (String) waldur.order(first).get("marketplace_resource_uuid"), "Update",
                "executing", Map.of("cpu", 7));
        slurm.calls.clear();

        cycle("order-process");

        assertEquals("done", waldur.order(second).get("state"));
        assertEquals("done", waldur.order(update).get("state"));
        assertEquals("420000", slurm.accounts.get("hpc_first").limits.get("cpu"));
        assertEquals(List.of("alice"), new ArrayList<>(slurm.accounts.get("hpc_second").users));
        assertEquals(2, slurm.count("sacctmgr", "load"), "associations and limit changes go in separate loads");
        waldur.assertNoViolations();
    }

    @Test
    void terminateKeepsProjectAccountWhileAnotherAllocationHangsBelowIt() throws Exception {
        String o1 = createOrder("One", "one");
        String o2 = createOrder("Two", "two");
        cycle("order-process");
        String r1 = (String) waldur.order(o1).get("marketplace_resource_uuid");

        waldur.addOrder(offering, r1, "Terminate", "executing", Map.of());
        cycle("order-process");

        assertFalse(slurm.accounts.containsKey("hpc_one"));
        assertTrue(slurm.accounts.containsKey("hpc_two"));
        assertTrue(slurm.accounts.containsKey("hpc_climate-2024"));
        assertEquals("done", waldur.order(o2).get("state"));
        waldur.assertNoViolations();
    }

    @Test
    void waldurOutageLeavesOrdersForTheNextCycleInsteadOfErringThem() throws Exception {
        String order = createOrder("Alloc", "alloc");
        waldur.failMatching("GET", ".*/marketplace-provider-resources/.*", 503, -1);

        cycle("order-process");
        assertEquals("executing", waldur.order(order).get("state"), "approved, then left: 503 is transient");
        assertEquals(0, waldur.count("POST", ".*/set_state_erred/"));

        waldur.clearFaults();
        cycle("order-process");
        assertEquals("done", waldur.order(order).get("state"));
        waldur.assertNoViolations();
    }

    @Test
    void theApiTokenAppearsInNoLogLineEvenAtDebugAndOnErrors() throws Exception {
        createOrder("Alloc", "alloc");
        String bad = createOrder("Evil", "x,y");
        waldur.failMatching("POST", ".*/set_limits/", 400, 1);
        waldur.failMatching("GET", ".*/team/", 503, 1);
        try (CapturedLog log = CapturedLog.attach()) {
            cycle("order-process");
            assertTrue(log.lines().size() > 50, "debug logging was on: " + log.lines().size() + " lines");
            for (String line : log.lines()) {
                assertFalse(line.contains(TOKEN), () -> "token leaked: " + line);
            }
        }
        assertEquals("erred", waldur.order(bad).get("state"));
    }

    @Test
    void rerunAfterACrashFinishesTheSameAccountWithoutDuplicates() throws Exception {
        // A previous run named the allocation in Waldur and created it in SLURM, then died before set_state_done.
        String resource = waldur.addResource(offering, project, "Alloc", "alloc", "Creating", "hpc_alloc", Map.of());
        String order = waldur.addOrder(offering, resource, "Create", "executing", Map.of());
        FakeSlurm.Acct cust = new FakeSlurm.Acct();
        cust.parent = "root";
        slurm.accounts.put("hpc_uni-tartu", cust);
        FakeSlurm.Acct proj = new FakeSlurm.Acct();
        proj.parent = "hpc_uni-tartu";
        slurm.accounts.put("hpc_climate-2024", proj);
        FakeSlurm.Acct alloc = new FakeSlurm.Acct();
        alloc.parent = "hpc_climate-2024";
        alloc.limits.put("cpu", "600000");
        alloc.limits.put("mem", "614400");
        slurm.accounts.put("hpc_alloc", alloc);

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(4, slurm.accounts.size(), "root + the three accounts, nothing new");
        assertEquals(0, slurm.count("sacctmgr", "load"), "everything was already in place");
        assertEquals(0, waldur.count("POST", ".*/set_backend_id/"));
        waldur.assertNoViolations();
    }

    @Test
    void existingForeignAccountErrsTheOrderUnderTheDefaultNamingPolicy() throws Exception {
        FakeSlurm.Acct foreign = new FakeSlurm.Acct();
        foreign.parent = "root";
        slurm.accounts.put("hpc_taken", foreign);
        String order = createOrder("Taken", "taken");

        cycle("order-process");

        assertEquals("erred", waldur.order(order).get("state"));
        assertTrue(((String) waldur.order(order).get("error_message")).contains("already exists"));
        assertTrue(String.valueOf(waldur.resource((String) waldur.order(order).get("marketplace_resource_uuid")).get("backend_id")).isBlank() || waldur.resource((String) waldur.order(order).get("marketplace_resource_uuid")).get("backend_id") == null, "no backend_id recorded");
        waldur.assertNoViolations();
    }
}
