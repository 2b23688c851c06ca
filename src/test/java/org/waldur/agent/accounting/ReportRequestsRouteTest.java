package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waldur requests per resource of a report (issue 12, "Fewer requests"): the month's usages are read once per month
 * for the offering — again once after posting, never per resource — and a month equal to what Waldur holds
 * (zero against nothing included) is not posted. Two reporting months, "now" 15 October 2026.
 */
class ReportRequestsRouteTest extends AgentRouteTestSupport {
    private static final int RESOURCES = 200;
    private final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");
    private final List<String> resources = new ArrayList<>();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.fixed-now", "2026-10-15T12:00:00Z");
    }

    private void addResources() {
        for (int i = 0; i < RESOURCES; i++) {
            String account = "hpc_r" + i;
            FakeSlurm.Acct a = new FakeSlurm.Acct();
            a.parent = "hpc_climate";
            a.limits.put("cpu", "600000");
            a.limits.put("mem", "614400");
            slurm.accounts.put(account, a);
            resources.add(waldur.addResource(offering, project, account, account, "OK", account, Map.of("cpu", 10, "mem", 10)));
        }
    }

    private static String summary(List<FakeWaldur.RecordedRequest> requests) {
        return requests.stream().collect(Collectors.groupingBy(r -> r.method() + " " + r.path().replaceAll("[0-9a-f]{32}", "{uuid}"),
                TreeMap::new, Collectors.counting())).toString();
    }

    @Test
    void resourcesWithoutJobsCostNoRequestOfTheirOwn() throws Exception {
        addResources();

        cycle("report");

        List<FakeWaldur.RecordedRequest> all = waldur.requests();
        System.out.printf("Waldur requests: %d for %d resources without jobs, 2 months: %s%n", all.size(), RESOURCES, summary(all));
        assertEquals(0, waldur.count("POST", ".*"), "zero against nothing is not posted: " + summary(all));
        // offering, resources (2 pages), offering users, per month: usages and per-user usages
        assertTrue(all.size() <= 8, all.size() + " requests for " + RESOURCES + " resources: " + summary(all));
        waldur.assertNoViolations();
    }

    @Test
    void usagesCreatedBySetUsageAreReadBackOncePerMonthNotPerResource() throws Exception {
        addResources();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < RESOURCES; i++) {
            rows.add("hpc_r" + i + "|cpu=2,mem=1000M|10:00:00|alice");
        }
        slurm.sacctRows.put("2026-10", rows);

        cycle("report");

        List<FakeWaldur.RecordedRequest> all = waldur.requests();
        System.out.printf("Waldur requests: %d for %d resources with jobs in one of 2 months: %s%n", all.size(), RESOURCES, summary(all));
        assertEquals(RESOURCES, waldur.count("POST", ".*/set_usage/"), "October of each resource; September had no jobs");
        assertEquals(2 * RESOURCES, waldur.count("POST", ".*/set_user_usages/"), "alice's cpu and mem of each resource");
        long usageReads = waldur.count("GET", ".*/marketplace-component-usages/");
        // October: 400 records = 4 pages, read before and once after posting; September: one empty page
        assertTrue(usageReads <= 4 + 4 + 1, "component usages read per month, not per resource: " + summary(all));
        for (String r : resources) {
            assertEquals(2, waldur.componentUserUsages(r).size(), () -> "per-user rows of " + r);
        }

        assertTrue(waldur.maxInFlight() <= 8, "the default waldur_max_concurrent_requests bounds the posts: " + waldur.maxInFlight());

        waldur.clearRequests();
        cycle("report");
        assertEquals(0, waldur.count("POST", ".*"), "everything in Waldur: " + summary(waldur.requests()));
        waldur.assertNoViolations();
    }
}
