package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy {@code common}: a load ignores a DefaultAccount the user has no association with (slurm-sandbox FINDINGS
 * §8), so the users lacking the association with default_account get it first, all in one {@code add user}.
 */
class MembershipCommonPolicyRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected String backendSettings() {
        return """
                  default_account: "hpc_def"
                  default_account_policy: "common"
                  customer_prefix: "hpc_"
                  project_prefix: "hpc_"
                  allocation_prefix: "hpc_"
                  cluster_name: "sandbox"
                  qos_default: "normal"
                  enable_user_homedir_account_creation: false
            """;
    }

    private FakeSlurm.Acct account(String name, String... users) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put(name, a);
        return a;
    }

    @Test
    void usersLackingTheDefaultAccountGetItInOneAddThenOneLoadForAllResources() throws Exception {
        account("hpc_def", "alice");
        account("hpc_r1");
        account("hpc_r2");
        String p1 = waldur.addProject(customer, "p1", "p1");
        String p2 = waldur.addProject(customer, "p2", "p2");
        member(p1, "alice");
        member(p1, "bob");
        member(p2, "carol");
        String r1 = waldur.addResource(offering, p1, "r1", "r1", "OK", "hpc_r1", Map.of());
        String r2 = waldur.addResource(offering, p2, "r2", "r2", "OK", "hpc_r2", Map.of());

        cycle("membership-sync");

        List<String> writes = slurm.calls.stream().map(c -> String.join(" ", c)).filter(c -> !c.contains(" show ")).toList();
        assertEquals(2, writes.size(), () -> "" + writes);
        assertEquals(2, slurm.count("sacctmgr", "show"), "default_account read with the allocations, in the one read; then the verifying read");
        assertTrue(writes.get(0).endsWith("add user bob,carol account=hpc_def Share=parent cluster=sandbox"), writes.get(0));
        assertTrue(writes.get(1).contains(" load "), writes.get(1));
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_r1'\nUser - 'alice':DefaultAccount='hpc_def'\n"
                + "User - 'bob':DefaultAccount='hpc_def'\nParent - 'hpc_r2'\nUser - 'carol':DefaultAccount='hpc_def'\n", slurm.loads.get(0));
        assertEquals(Set.of("alice", "bob"), slurm.accounts.get("hpc_r1").users);
        assertEquals(Set.of("carol"), slurm.accounts.get("hpc_r2").users);
        assertEquals("OK", waldur.resource(r1).get("state"));
        assertEquals("OK", waldur.resource(r2).get("state"));
        waldur.assertNoViolations();
    }
}
