package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waldur's per-user limits become MaxTRESMins through membership_sync and the OpenAPI-validating fake. */
class MembershipUserLimitsRouteTest extends AgentRouteTestSupport {

    @Test
    void perUserLimitsOfEveryResourceGoInOneLoadAndOnlyWhenTheyDiffer() throws Exception {
        String customer = waldur.addCustomer("Uni", "uni");
        String[] resources = new String[3];
        String[] alices = new String[3];
        for (int i = 0; i < 3; i++) {
            String project = waldur.addProject(customer, "p" + i, "p" + i);
            alices[i] = waldur.addUser("alice" + i, "Alice");
            waldur.addTeamMember(project, alices[i], "member");
            waldur.addOfferingUser(offering, alices[i], "alice" + i, "OK");
            FakeSlurm.Acct a = new FakeSlurm.Acct();
            a.parent = "root";
            a.users.add("alice" + i);
            slurm.accounts.put("hpc_r" + i, a);
            resources[i] = waldur.addResource(offering, project, "r" + i, "r" + i, "OK", "hpc_r" + i, Map.of());
            waldur.addComponentUserUsageLimit(resources[i], "cpu", alices[i], "2");
        }

        cycle("membership-sync");

        for (int i = 0; i < 3; i++) {
            assertEquals("cpu=120000", slurm.accounts.get("hpc_r" + i).userLimits.get("alice" + i), "2 k-Hours × 60000");
        }
        assertEquals(1, slurm.count("sacctmgr", "load"), "one load for every user of the cycle");

        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(0, slurm.count("sacctmgr", "load"), "SLURM holds Waldur's values: nothing written");
        assertTrue(slurm.total() <= 1, "the association read only");
        waldur.assertNoViolations();
    }

    @Test
    void aLimitRemovedInWaldurIsClearedInSlurm() throws Exception {
        String customer = waldur.addCustomer("Uni", "uni");
        String project = waldur.addProject(customer, "p", "p");
        member(project, "bob");
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.add("bob");
        a.userLimits.put("bob", "cpu=600000");
        slurm.accounts.put("hpc_r", a);
        waldur.addResource(offering, project, "r", "r", "OK", "hpc_r", Map.of());

        cycle("membership-sync");

        assertEquals(null, slurm.accounts.get("hpc_r").userLimits.get("bob"));
        assertTrue(slurm.loads.stream().anyMatch(f -> f.contains("User - 'bob':MaxTRESMins='cpu=-1'")), slurm.loads.toString());
        waldur.assertNoViolations();
    }
}
