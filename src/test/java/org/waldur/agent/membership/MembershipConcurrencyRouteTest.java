package org.waldur.agent.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

/**
 * Issue 12, membership of 20 resources in 5 s: the teams are read and the resources finished in Waldur on the
 * pool of {@code waldur_max_concurrent_requests} (here 3), the fake counting the requests it answers at once. The
 * SLURM writes stay one batch; each resource's own requests keep their order; a home is made once per user.
 */
class MembershipConcurrencyRouteTest extends AgentRouteTestSupport {
    private static final int RESOURCES = 12;
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected String configYaml() {
        return super.configYaml() + "\nwaldur_max_concurrent_requests: 3\n";
    }

    private String allocation(String project, String slug) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, Map.of());
    }

    @Test
    void teamsAndEndingsRunAtMostThreeAtATimeEachResourceInItsOwnOrder() throws Exception {
        List<String> resources = new ArrayList<>();
        for (int i = 0; i < RESOURCES; i++) {
            String p = waldur.addProject(customer, "p" + i, "p" + i);
            member(p, "user" + i);
            resources.add(allocation(p, "r" + i));
        }
        waldur.delayMatching("*", ".*/marketplace-provider-resources/[0-9a-f]{32}/.*", 150);

        cycle("membership-sync");

        for (int i = 0; i < RESOURCES; i++) {
            assertEquals(Set.of("user" + i), slurm.accounts.get("hpc_r" + i).users, "r" + i);
            assertEquals("OK", waldur.resource(resources.get(i)).get("state"));
        }
        int max = waldur.maxInFlight();
        assertTrue(max <= 3, "never more than waldur_max_concurrent_requests at once: " + max);
        assertTrue(max >= 2, "resources did run concurrently: " + max);
        assertEquals(1, slurm.count("sacctmgr", "load"), "SLURM still written in one batch");
        for (String r : resources) {
            List<String> own = waldur.requests().stream().filter(q -> q.path().contains(r))
                    .map(q -> q.method() + " " + q.path().replace(r, "{resource}")).toList();
            assertEquals(List.of(
                    "GET /api/marketplace-provider-resources/{resource}/team/",
                    "POST /api/marketplace-provider-resources/{resource}/set_backend_metadata/", // its first QoS
                    "POST /api/marketplace-provider-resources/{resource}/refresh_last_sync/"), own);
        }
        waldur.assertNoViolations();
    }

    @Test
    void aTeamThatCannotBeReadErrsOnlyItsProjectsResourcesWithWaldursAnswerAndIsReadOnce() throws Exception {
        String shared = waldur.addProject(customer, "shared", "shared");
        member(shared, "alice");
        String a1 = allocation(shared, "a1");
        String a2 = allocation(shared, "a2");
        String other = waldur.addProject(customer, "other", "other");
        member(other, "bob");
        String b = allocation(other, "b");
        String sharedTeam = ".*/marketplace-provider-resources/(" + a1 + "|" + a2 + ")/team/";
        waldur.failMatching("GET", sharedTeam, 403, -1);

        cycle("membership-sync");

        for (String r : List.of(a1, a2)) {
            assertEquals("Erred", waldur.resource(r).get("state"), r);
            assertTrue(String.valueOf(waldur.resource(r).get("error_message")).contains("403"),
                    () -> "the real answer: " + waldur.resource(r).get("error_message"));
        }
        assertEquals(Set.of(), slurm.accounts.get("hpc_a1").users);
        assertEquals("OK", waldur.resource(b).get("state"));
        assertEquals(Set.of("bob"), slurm.accounts.get("hpc_b").users);
        assertEquals(1, waldur.count("GET", sharedTeam), "one read for the project, not one per resource");
    }

    @Test
    void aTeamReadWaldurCannotAnswerNowLeavesItsResourcesForTheNextCycle() throws Exception {
        String p = waldur.addProject(customer, "p", "p");
        member(p, "alice");
        String r = allocation(p, "r");
        waldur.failMatching("GET", ".*/team/", 503, -1);

        cycle("membership-sync");

        assertEquals("OK", waldur.resource(r).get("state"), "Waldur's trouble does not err the resource");
        assertEquals(0, waldur.count("POST", ".*/refresh_last_sync/"), "not reported as synced");
        assertEquals(Set.of(), slurm.accounts.get("hpc_r").users);

        waldur.clearFaults();
        cycle("membership-sync");
        assertEquals(Set.of("alice"), slurm.accounts.get("hpc_r").users, "the next cycle syncs it");
    }
}
