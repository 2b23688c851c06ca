package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** membership_sync against the real SLURM, checked with sacctmgr, squeue, sacct and sbatch. */
class MembershipIT extends ItSupport {

    private AgentProcess.Run once(Path config) throws Exception {
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
        System.out.println(run.output());
        return run;
    }

    private static Set<String> users(String account) {
        RealSlurm.Assoc a = RealSlurm.associations().get(account);
        return a == null ? Set.of() : new TreeSet<>(a.users);
    }

    @Test
    void teamsDecideWhoMayRunJobsAndPauseRestoreAndRestrictWork() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        String climate = waldur.addProject(customer, "Climate", "climate");
        String genomics = waldur.addProject(customer, "Genomics", "genomics");
        for (String a : List.of("ita_m1", "ita_m2")) {
            RealSlurm.sacctmgr("add", "account", a, "parent=root", "cluster=" + RealSlurm.CLUSTER);
        }
        RealSlurm.sacctmgr("add", "user", "alice,bob", "account=ita_m1", "cluster=" + RealSlurm.CLUSTER);
        RealSlurm.sacctmgr("add", "user", "alice", "account=ita_m2", "cluster=" + RealSlurm.CLUSTER);
        String m1 = waldur.addResource(offering, climate, "M1", "m1", "OK", "ita_m1", Map.of());
        String m2 = waldur.addResource(offering, genomics, "M2", "m2", "Erred", "ita_m2", Map.of());
        String alice = waldur.addUser("alice", "Alice");
        String bob = waldur.addUser("bob", "Bob");
        String carol = waldur.addUser("carol", "Carol");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        waldur.addOfferingUser(offering, bob, "bob", "OK");
        waldur.addOfferingUser(offering, carol, "carol", "OK");
        waldur.addTeamMember(climate, alice, "member");
        waldur.addTeamMember(climate, carol, "member");       // bob left the climate project
        waldur.addTeamMember(genomics, alice, "member");
        waldur.addTeamMember(genomics, bob, "member");

        String bobsJob = Jobs.submit("bob", "ita_m1", "-n", "1", "--mem=50M", "--wrap", "sleep 300");

        assertEquals(0, once(config).rc());

        assertEquals(Set.of("alice", "carol"), users("ita_m1"), "carol added, bob removed");
        assertEquals(Set.of("alice", "bob"), users("ita_m2"), "bob added where he is still a member");
        assertEquals("", RealSlurm.run(List.of("squeue", "-h", "-u", "bob", "-A", "ita_m1", "-o", "%A"), null).out().strip(),
                "bob's job under ita_m1 was cancelled before his association was removed");
        Jobs.waitFinished(bobsJob);
        assertTrue(Jobs.accountingRow(bobsJob, "State").startsWith("CANCELLED"));
        assertEquals("OK", waldur.resource(m2).get("state"), "an Erred resource that syncs cleanly is OK again");

        // pause: SLURM refuses new jobs under the account; restore: it takes them again
        waldur.setResourceFlags(m1, true, false, false);
        assertEquals(0, once(config).rc());
        assertEquals("paused", RealSlurm.associations().get("ita_m1").qos);
        RealSlurm.Result refused = Jobs.trySubmit("alice", "ita_m1", "-n", "1", "--mem=50M", "--wrap", "true");
        assertNotEquals(0, refused.rc(), "sbatch under a paused account must be refused: " + refused.out());
        assertEquals(Map.of("qos", "paused"), waldur.resource(m1).get("backend_metadata"));

        waldur.setResourceFlags(m1, false, false, false);
        assertEquals(0, once(config).rc());
        assertEquals("normal", RealSlurm.associations().get("ita_m1").qos);
        String accepted = Jobs.submit("alice", "ita_m1", "-n", "1", "--mem=50M", "--wrap", "true");
        Jobs.waitFinished(accepted);

        // restrict_member_access: everyone's access goes, nobody is added
        waldur.setResourceFlags(m2, false, false, true);
        assertEquals(0, once(config).rc());
        assertEquals(Set.of(), users("ita_m2"));
        assertEquals(Set.of("alice", "carol"), users("ita_m1"), "other resources untouched");
        waldur.assertNoViolations();
    }
}
