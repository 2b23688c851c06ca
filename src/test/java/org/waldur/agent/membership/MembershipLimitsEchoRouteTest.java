package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * membership_sync echoes SLURM's GrpTRESMins to Waldur (as the reference's membership sync does) from the cycle's
 * one association read, and only when Waldur holds other limits.
 */
class MembershipLimitsEchoRouteTest extends AgentRouteTestSupport {

    private String allocation(String slug, Map<String, Integer> waldurLimits, Map<String, String> slurmLimits) {
        String project = waldur.addProject(waldur.addCustomer("C " + slug, "c-" + slug), slug, slug);
        member(project, "alice");
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.add("alice");
        a.limits.putAll(slurmLimits);
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, waldurLimits);
    }

    private long setLimitsPosts(String resource) {
        return waldur.requests().stream().filter(r -> r.method().equals("POST") && r.path().contains(resource + "/set_limits/")).count();
    }

    @Test
    void limitsAnAdministratorChangedInSlurmReachWaldurOnceWithNoExtraSlurmProcess() throws Exception {
        // Waldur: 10 k-Hours CPU; SLURM: 900000 cpu-minutes = 15 k-Hours (unit_factor 60000)
        String changed = allocation("r1", Map.of("cpu", 10, "mem", 10), Map.of("cpu", "900000", "mem", "614400"));
        String same = allocation("r2", Map.of("cpu", 10, "mem", 10), Map.of("cpu", "600000", "mem", "614400"));

        cycle("membership-sync");

        assertEquals(Map.of("cpu", 15, "mem", 10), waldur.resource(changed).get("limits"));
        assertEquals(1, setLimitsPosts(changed));
        assertEquals(0, setLimitsPosts(same), "Waldur already holds SLURM's limits: no request");
        assertEquals(List.of("show"), slurm.calls.stream().map(c -> c.get(c.indexOf("--immediate") + 1)).toList(),
                "the association read the cycle makes anyway, nothing else");

        waldur.clearRequests();
        cycle("membership-sync");
        assertEquals(0, setLimitsPosts(changed), "in sync now: nothing sent again");
        waldur.assertNoViolations();
    }
}
