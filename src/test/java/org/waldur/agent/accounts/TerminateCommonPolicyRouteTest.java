package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy {@code common}: a Terminate that leaves a member with no allocation of the offering removes their
 * default_account association too — as membership_sync does when they leave their last allocation — and keeps it
 * for members another allocation of the offering still holds, and for users an administrator put there.
 */
class TerminateCommonPolicyRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected String backendSettings() {
        return super.backendSettings().replace("default_account: \"root\"", "default_account: \"hpc_def\"")
                .replace("default_account_policy: \"individual\"", "default_account_policy: \"common\"");
    }

    @Test
    void aTerminateTakesDefaultAccountFromMembersWithNoAllocationLeft() throws Exception {
        FakeSlurm.Acct def = new FakeSlurm.Acct();
        def.parent = "root";
        def.users.add("carol"); // put there by an administrator
        slurm.accounts.put("hpc_def", def);
        String climate = waldur.addProject(customer, "Climate", "climate");
        String genomics = waldur.addProject(customer, "Genomics", "genomics");
        String alice = waldur.addUser("alice", "Alice");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        waldur.addTeamMember(climate, alice, "member");
        waldur.addTeamMember(genomics, alice, "member");
        member(climate, "bob");
        String r1 = waldur.addResource(offering, climate, "One", "one", "Creating", null, Map.of());
        String r2 = waldur.addResource(offering, genomics, "Two", "two", "Creating", null, Map.of());
        waldur.addOrder(offering, r1, "Create", "pending-provider", Map.of());
        waldur.addOrder(offering, r2, "Create", "pending-provider", Map.of());
        cycle("order-process");
        assertEquals(Set.of("alice", "bob"), slurm.accounts.get("hpc_one").users);
        assertEquals(Set.of("carol", "alice", "bob"), slurm.accounts.get("hpc_def").users);

        String terminate = waldur.addOrder(offering, r1, "Terminate", "executing", Map.of());
        slurm.calls.clear();
        cycle("order-process");

        assertEquals("done", waldur.order(terminate).get("state"), () -> "" + waldur.order(terminate));
        assertFalse(slurm.accounts.containsKey("hpc_one"));
        assertEquals(Set.of("carol", "alice"), slurm.accounts.get("hpc_def").users,
                "bob has no allocation of the offering left; alice still has hpc_two; carol was never the agent's");
        List<String> removals = slurm.calls.stream().map(c -> String.join(" ", c)).filter(c -> c.contains(" remove ")).toList();
        assertTrue(removals.get(removals.size() - 1).contains("remove user where name=bob and account=hpc_def"), "" + removals);
        waldur.assertNoViolations();
    }
}
