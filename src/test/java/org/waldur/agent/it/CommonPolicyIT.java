package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Policy {@code common} against the real SLURM: a member left with no allocation of the offering loses the
 * default_account association — whether they leave through membership_sync (gone from the team) or through a
 * Terminate in order_process — while a member another allocation still holds, and a user an administrator put in
 * default_account, keep it.
 */
class CommonPolicyIT extends ItSupport {
    private static final String DEF = "ita_def";

    private Path commonConfig() throws Exception {
        Path f = config(countingBin(null).toString(), "");
        String yaml = java.nio.file.Files.readString(f);
        // root_account stays root: unset, it would fall back to default_account (customers under ita_def)
        String common = yaml.replaceFirst("( *)default_account: \"root\"", "$1default_account: \"" + DEF + "\"\n$1root_account: \"root\"")
                .replace("default_account_policy: \"individual\"", "default_account_policy: \"common\"");
        assertFalse(common.equals(yaml) || common.contains("individual"), common);
        java.nio.file.Files.writeString(f, common);
        return f;
    }

    private AgentProcess.Run once(Path config, String mode) throws Exception {
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", mode, "-c", config.toString());
        System.out.println(run.output());
        return run;
    }

    private static Set<String> users(String account) {
        RealSlurm.Assoc a = RealSlurm.associations().get(account);
        return a == null ? Set.of() : new TreeSet<>(a.users);
    }

    @Test
    void aTerminateLeavingAMemberWithNoAllocationRemovesTheirDefaultAccountAssociation() throws Exception {
        RealSlurm.sacctmgr("add", "account", DEF, "parent=root", "cluster=" + RealSlurm.CLUSTER);
        Path config = commonConfig();
        String customer = waldur.addCustomer("University", "uni");
        String climate = waldur.addProject(customer, "Climate", "climate");
        String genomics = waldur.addProject(customer, "Genomics", "genomics");
        member(climate, "bob");
        String alice = waldur.addUser("alice", "Alice");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        waldur.addTeamMember(climate, alice, "member");
        waldur.addTeamMember(genomics, alice, "member");
        String one = order(climate, "One", "one");
        String two = order(genomics, "Two", "two");
        assertEquals(0, once(config, "order_process").rc());
        assertEquals("done", waldur.order(one).get("state"));
        assertEquals("done", waldur.order(two).get("state"));
        assertEquals(Set.of("alice", "bob"), users(DEF), "policy common: each member's association with default_account");

        String terminate = waldur.addOrder(offering, resourceOf(one), "Terminate", "executing", Map.of());
        assertEquals(0, once(config, "order_process").rc());

        assertEquals("done", waldur.order(terminate).get("state"), () -> "" + waldur.order(terminate));
        assertFalse(RealSlurm.associations().containsKey("ita_one"));
        assertEquals(Set.of("alice"), users(DEF), "bob has no allocation of the offering left; alice still has ita_two");
        assertEquals(Set.of("alice"), users("ita_two"));
        waldur.assertNoViolations();
    }

    @Test
    void aMemberLeavingTheTeamOfTheirLastAllocationLosesTheDefaultAccountAssociation() throws Exception {
        RealSlurm.sacctmgr("add", "account", DEF + "," + "ita_m1", "parent=root", "cluster=" + RealSlurm.CLUSTER);
        RealSlurm.sacctmgr("add", "user", "alice,bob", "account=" + DEF, "cluster=" + RealSlurm.CLUSTER);
        RealSlurm.sacctmgr("add", "user", "alice,bob", "account=ita_m1", "cluster=" + RealSlurm.CLUSTER);
        String admins = "itu" + Long.toString(System.currentTimeMillis(), 36);
        RealSlurm.sacctmgr("add", "user", admins, "account=" + DEF, "cluster=" + RealSlurm.CLUSTER);
        try {
            Path config = commonConfig();
            String climate = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
            member(climate, "alice");                  // bob left the project
            String m1 = waldur.addResource(offering, climate, "M1", "m1", "OK", "ita_m1", Map.of());

            assertEquals(0, once(config, "membership_sync").rc());

            assertEquals(Set.of("alice"), users("ita_m1"));
            assertEquals(new TreeSet<>(Set.of("alice", admins)), users(DEF),
                    "bob left his last allocation: default_account goes too; an administrator's user stays");
            assertEquals("OK", waldur.resource(m1).get("state"));
            waldur.assertNoViolations();
        } finally {
            RealSlurm.sacctmgr("remove", "user", admins);
        }
    }
}
