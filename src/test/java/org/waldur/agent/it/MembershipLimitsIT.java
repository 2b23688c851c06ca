package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * membership_sync against the real SLURM: Waldur's per-user limits become MaxTRESMins (checked with sacctmgr), a
 * limit removed in Waldur is cleared, and SLURM's GrpTRESMins reach Waldur — with no SLURM process beyond the
 * association read and one load.
 */
class MembershipLimitsIT extends ItSupport {

    private static String maxTresMins(String account, String user) {
        for (String line : RealSlurm.sacctmgr("show", "association", "where", "account=" + account, "user=" + user,
                "format=User,MaxTRESMins", "cluster=" + RealSlurm.CLUSTER).split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length == 2 && f[0].equals(user)) {
                return f[1];
            }
        }
        return null;
    }

    @Test
    void perUserLimitsAndAccountLimitsMeetInOneCycle() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        String project = waldur.addProject(customer, "Climate", "climate");
        String alice = waldur.addUser("alice", "Alice");
        String bob = waldur.addUser("bob", "Bob");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        waldur.addOfferingUser(offering, bob, "bob", "OK");
        waldur.addTeamMember(project, alice, "member");
        waldur.addTeamMember(project, bob, "member");
        RealSlurm.sacctmgr("add", "account", "ita_l1", "parent=root", "GrpTRESMins=cpu=900000", "cluster=" + RealSlurm.CLUSTER);
        RealSlurm.sacctmgr("add", "user", "alice,bob", "account=ita_l1", "cluster=" + RealSlurm.CLUSTER);
        RealSlurm.sacctmgr("modify", "user", "where", "name=bob", "account=ita_l1", "cluster=" + RealSlurm.CLUSTER, "set", "MaxTRESMins=cpu=5000");
        String r = waldur.addResource(offering, project, "L1", "l1", "OK", "ita_l1", Map.of("cpu", 10));
        waldur.addComponentUserUsageLimit(r, "cpu", alice, "2");
        assertEquals("cpu=5000", maxTresMins("ita_l1", "bob"));

        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
        assertEquals(0, run.rc(), run.output());

        assertEquals("cpu=120000", maxTresMins("ita_l1", "alice"), "2 k-Hours × unit_factor 60000");
        assertEquals("", maxTresMins("ita_l1", "bob"), "no limit in Waldur: SLURM's is cleared");
        assertEquals(15, ((Number) ((Map<?, ?>) waldur.resource(r).get("limits")).get("cpu")).intValue(),
                "SLURM's GrpTRESMins 900000 cpu-minutes = 15 k-Hours reached Waldur");
        List<String> calls = RealSlurm.logLines(slurmLog);
        assertEquals(2, calls.size(), "the association read and one load\n" + String.join("\n", calls));

        Files.deleteIfExists(slurmLog);
        run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
        assertEquals(0, run.rc(), run.output());
        assertEquals(1, RealSlurm.logLines(slurmLog).size(), "in sync: the association read only");
        waldur.assertNoViolations();
    }
}
