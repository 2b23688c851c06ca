package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage reporting against the OpenAPI-validating fake Waldur, "now" pinned to 15 October 2026. */
class ReportRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("Uni", "uni");
    private final String project = waldur.addProject(customer, "Climate", "climate");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.fixed-now", "2026-10-15T12:00:00Z");
    }

    private String resource(String account) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "hpc_climate";
        a.limits.put("cpu", "600000");
        a.limits.put("mem", "614400");
        slurm.accounts.put(account, a);
        return waldur.addResource(offering, project, account, account, "OK", account, Map.of("cpu", 10, "mem", 10));
    }

    private List<Map<String, Object>> usages(String resource, String period) {
        return waldur.componentUsages(resource).stream().filter(u -> period.equals(u.get("billing_period"))).toList();
    }

    private static double amount(List<Map<String, Object>> rows, String type) {
        return rows.stream().filter(r -> type.equals(r.get("type"))).mapToDouble(r -> ((Number) r.get("usage")).doubleValue()).findFirst().orElse(-1);
    }

    @Test
    void workedExampleReachesWaldurAsMonthTotalsAndPerUserUsages() throws Exception {
        String alloc = resource("hpc_alloc1");
        String aliceUser = waldur.addUser("alice", "Alice");
        String aliceOfferingUser = waldur.addOfferingUser(offering, aliceUser, "alice", "OK");
        slurm.sacctRows.put("2026-10", List.of(
                "hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|01:02:03|alice",
                "hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|1-02:03:04|bob"));

        cycle("report");

        List<Map<String, Object>> october = usages(alloc, "2026-10-01");
        assertEquals(0.11, amount(october, "cpu"), 1e-9);
        assertEquals(423.21, amount(october, "mem"), 1e-9);
        assertTrue(usages(alloc, "2026-09-01").isEmpty(), "a month without jobs: zero against nothing is not posted");
        // the set_usage payload as sent
        String body = waldur.requests().stream().filter(r -> r.path().endsWith("/set_usage/") && r.body().contains("2026-10-01"))
                .findFirst().orElseThrow().body();
        assertTrue(body.contains("\"amount\":\"0.11\"") && body.contains("\"amount\":\"423.21\""), body);
        // noon UTC on the 1st: October in every zone, so in whatever TIME_ZONE Waldur runs
        assertTrue(body.contains("\"date\":\"2026-10-01T12:00:00Z\""), body);
        // per user: alice with her offering user's URL, bob (no offering user) by username only
        List<Map<String, Object>> users = waldur.componentUserUsages(alloc).stream()
                .filter(u -> "2026-10-01".equals(u.get("billing_period")) && "mem".equals(u.get("component_type"))).toList();
        Map<String, Object> alice = users.stream().filter(u -> "alice".equals(u.get("username"))).findFirst().orElseThrow();
        Map<String, Object> bob = users.stream().filter(u -> "bob".equals(u.get("username"))).findFirst().orElseThrow();
        assertEquals(16.16, ((Number) alice.get("usage")).doubleValue(), 1e-9);
        assertEquals(407.05, ((Number) bob.get("usage")).doubleValue(), 1e-9);
        assertTrue(String.valueOf(alice.get("user")).endsWith(aliceOfferingUser + "/"), () -> "" + alice);
        waldur.assertNoViolations();
    }

    @Test
    void twoHundredResourcesCostOneSacctPerMonthAndOneSacctmgr() throws Exception {
        List<String> resources = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            resources.add(resource("hpc_r" + i));
            rows.add("hpc_r" + i + "|cpu=2,mem=1000M|00:30:00|alice");
        }
        slurm.sacctRows.put("2026-10", rows);

        cycle("report");

        assertEquals(2, slurm.count("sacct"), "one sacct per reporting month");
        assertEquals(1, slurm.count("sacctmgr"), "one association read for all limits");
        waldur.clearRequests();
        cycle("report");
        assertEquals(0, waldur.count("POST", ".*/set_usage/"), "nothing changed");
        long usageReads = waldur.count("GET", ".*/marketplace-component-usages/");
        assertTrue(usageReads <= 2 * 6, "what Waldur holds is read per month for the offering (600 rows = 6 pages), "
                + "not per resource: " + usageReads + " reads");
        for (String r : resources) {
            assertEquals(0.00, amount(usages(r, "2026-10-01"), "cpu"), 1e-9); // 60 cpu-min / 60000 rounds to 0.00
            assertEquals(0.49, amount(usages(r, "2026-10-01"), "mem"), 1e-9); // 1000 MB × 30 min / 61440 = 0.488
        }
        waldur.assertNoViolations();
    }

    @Test
    void unchangedMonthsAreNotResentAndLowerValuesAreRefused() throws Exception {
        String alloc = resource("hpc_alloc1");
        slurm.sacctRows.put("2026-10", List.of("hpc_alloc1|cpu=1000|10:00:00|alice"));
        cycle("report");
        long first = waldur.count("POST", ".*/set_usage/");
        assertEquals(1, first, "October sent once; September, without jobs, holds nothing in Waldur either");

        cycle("report");
        assertEquals(first, waldur.count("POST", ".*/set_usage/"), "nothing changed: nothing sent");

        slurm.sacctRows.put("2026-10", List.of("hpc_alloc1|cpu=1000|05:00:00|alice"));
        cycle("report");
        assertEquals(first, waldur.count("POST", ".*/set_usage/"), "a lower month total is an anomaly, not sent");
        assertEquals(10.0, amount(usages(alloc, "2026-10-01"), "cpu"), 1e-9);
        waldur.assertNoViolations();
    }

    @Test
    void aCycleMissedWhileWaldurWasDownIsMadeGoodByTheNext() throws Exception {
        String alloc = resource("hpc_alloc1");
        slurm.sacctRows.put("2026-10", List.of("hpc_alloc1|cpu=1000|01:00:00|alice"));
        waldur.setDown(true);
        cycle("report");
        assertTrue(waldur.componentUsages(alloc).isEmpty());

        waldur.setDown(false);
        slurm.sacctRows.put("2026-10", List.of("hpc_alloc1|cpu=1000|01:00:00|alice", "hpc_alloc1|cpu=1000|02:00:00|bob"));
        cycle("report");
        assertEquals(3.0, amount(usages(alloc, "2026-10-01"), "cpu"), 1e-9, "3000 cpu-hours = 3 k-Hours, recomputed from SLURM");
        waldur.assertNoViolations();
    }

    @Test
    void limitsThatDifferInSlurmAreSentBack() throws Exception {
        String alloc = resource("hpc_alloc1");
        slurm.accounts.get("hpc_alloc1").limits.put("cpu", "1200000");

        cycle("report");

        assertEquals(Map.of("cpu", 20, "mem", 10), waldur.resource(alloc).get("limits"));
        waldur.assertNoViolations();
    }

    @Test
    void perUserUsageLostToAFailedCallIsPostedByTheNextCycle() throws Exception {
        String alloc = resource("hpc_alloc1");
        slurm.sacctRows.put("2026-10", List.of("hpc_alloc1|cpu=1000|01:00:00|alice", "hpc_alloc1|cpu=1000|02:00:00|bob"));
        // set_usage succeeds, every set_user_usages fails for the whole cycle (retries included)
        waldur.failMatching("POST", ".*/set_user_usages/", 503, -1);
        cycle("report");
        assertEquals(3.0, amount(usages(alloc, "2026-10-01"), "cpu"), 1e-9);
        assertTrue(waldur.componentUserUsages(alloc).isEmpty(), "no per-user rows yet");

        waldur.clearFaults();
        long setUsage = waldur.count("POST", ".*/set_usage/");
        cycle("report");
        assertEquals(setUsage, waldur.count("POST", ".*/set_usage/"), "the totals were already right");
        Map<String, Double> cpuByUser = new java.util.TreeMap<>();
        waldur.componentUserUsages(alloc).stream()
                .filter(u -> "2026-10-01".equals(u.get("billing_period")) && "cpu".equals(u.get("component_type")))
                .forEach(u -> cpuByUser.put((String) u.get("username"), ((Number) u.get("usage")).doubleValue()));
        assertEquals(Map.of("alice", 1.0, "bob", 2.0), cpuByUser, "1000 and 2000 cpu-hours, repaired");

        long userPosts = waldur.count("POST", ".*/set_user_usages/");
        cycle("report");
        assertEquals(userPosts, waldur.count("POST", ".*/set_user_usages/"), "everything in Waldur: nothing posted");
        waldur.assertNoViolations();
    }
}
