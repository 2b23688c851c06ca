package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stale associations through the route and the OpenAPI-validating fake Waldur, against the emulator's
 * {@code remove user} (cross product, refused when a user's default goes with another of their associations).
 */
class MembershipStaleRoundsRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    private String allocation(String slug, List<String> team, String... users) {
        String project = waldur.addProject(customer, slug, slug);
        team.forEach(u -> member(project, u));
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, Map.of());
    }

    @Test
    void aUserLeavingFourAllocationsGoesInTwoRoundsWithOneDefaultsRead() throws Exception {
        for (int i = 0; i < 4; i++) {
            allocation("r" + i, List.of("alice"), "alice", "zed", "gone" + i);
        }
        slurm.defaultAccounts.put("zed", "hpc_r2");
        slurm.defaultAccounts.put("alice", "hpc_r0");

        cycle("membership-sync");

        for (int i = 0; i < 4; i++) {
            assertEquals(Set.of("alice"), new TreeSet<>(slurm.accounts.get("hpc_r" + i).users), "hpc_r" + i);
        }
        assertEquals(1, slurm.calls.stream().filter(c -> c.contains("show") && c.contains("user")).count(), "zed loses 4 associations: his DefaultAccount is read once");
        assertEquals(3, slurm.count("sacctmgr", "remove"), "round 1: zed's three non-default associations with "
                + "gone0, gone1, gone3, and gone2 alone (zed stays in hpc_r2 until round 2); round 2: zed's default hpc_r2");
        assertEquals(0, slurm.accounts.values().stream().filter(a -> a.users.contains("zed")).count());
        waldur.assertNoViolations();
    }

    @Test
    void aRefusedGroupFallsBackToOneRemovalPerAssociation() throws Exception {
        for (int i = 0; i < 3; i++) {
            allocation("r" + i, List.of(), "zed");
        }
        // SLURM says zed has no default (the read shows none), yet refuses the grouped removal
        slurm.failWhen(a -> a.contains("remove") && a.stream().anyMatch(x -> x.startsWith("account=") && x.contains(",")));

        cycle("membership-sync");

        for (int i = 0; i < 3; i++) {
            assertEquals(Set.of(), new TreeSet<>(slurm.accounts.get("hpc_r" + i).users), "hpc_r" + i);
        }
        assertEquals(1 + 3, slurm.count("sacctmgr", "remove"), "the refused group, then each association alone");
        waldur.assertNoViolations();
    }
}
