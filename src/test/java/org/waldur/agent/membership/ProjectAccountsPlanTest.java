package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.waldur.ProjectAccount;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.waldur.agent.membership.MembershipPlannerTest.member;
import static org.waldur.agent.membership.MembershipPlannerTest.resource;
import static org.waldur.agent.membership.MembershipPlannerTest.settings;

/** Service and course accounts join the team in the plan (ProjectAccounts). Expectations worked by hand. */
class ProjectAccountsPlanTest {
    // hpc_a (project p1) has alice, bob, carol and svc_old in SLURM
    private static final String ASSOCIATIONS = """
            sandbox|hpc_a|hpc_p||cpu=600000|normal
            sandbox|hpc_a||alice||normal
            sandbox|hpc_a||bob||normal
            sandbox|hpc_a||carol||normal
            sandbox|hpc_a||svc_old||normal
            """;
    private final List<String> log = new ArrayList<>();
    private final MembershipPlanner planner = new MembershipPlanner(settings("individual", null, "normal", "limited", "paused"),
            AssociationSnapshot.parse(ASSOCIATIONS, ""), log::add);

    private static ProjectAccount account(String uuid, String username, String state, String project) {
        return new ProjectAccount(uuid, username, state, project);
    }

    private static ProjectAccounts accounts() {
        ProjectAccounts a = new ProjectAccounts();
        a.add("service account", List.of(
                account("s1", "svc_ci", "OK", "p1"),        // new: added
                account("s2", "svc_old", "Closed", "p1"),   // closed: not wanted, in SLURM: removed
                account("s3", "svc_err", "Erred", "p1"),    // not OK: not added, logged
                account("s4", null, "OK", "p1"),            // no username yet: logged
                account("s5", "x;rm -rf", "OK", "p1"),      // unsafe: never reaches a command, logged
                account("s6", "svc_other", "OK", "p2")));   // another project's
        a.add("course account", List.of(
                account("c1", "carol", "OK", "p1"),         // already in SLURM and not in the team: kept
                account("c2", "stud1", "OK", "P1")));       // project uuid case differs: still p1's
        return a;
    }

    @Test
    void okAccountsOfTheProjectJoinTheTeamAndTheRestAreStale() {
        ProjectAccounts a = accounts();
        MembershipWork w = planner.plan(resource("hpc_a", false, false, false), List.of(member("alice", "alice", "OK")), a.of("p1"));
        assertEquals(List.of("stud1", "svc_ci"), w.add);
        assertEquals(List.of("alice", "carol"), w.existing);
        assertEquals(List.of("bob", "svc_old"), w.stale, "bob: in no team; svc_old: its account is Closed");
        assertEquals(3, w.skipped.size(), () -> "Erred, no username, unsafe name: " + w.skipped);
        assertTrue(w.skipped.stream().anyMatch(s -> s.contains("s3") && s.contains("Erred")), () -> w.skipped.toString());
        assertTrue(w.skipped.stream().anyMatch(s -> s.contains("s5") && s.contains("not a safe")), () -> w.skipped.toString());
        assertEquals(8, a.size());
    }

    @Test
    void withoutAccountsOnlyTheTeamCounts() {
        MembershipWork w = planner.plan(resource("hpc_a", false, false, false), List.of(member("alice", "alice", "OK")),
                ProjectAccounts.NONE.of("p1"));
        assertEquals(List.of(), w.add);
        assertEquals(List.of("bob", "carol", "svc_old"), w.stale);
    }

    @Test
    void restrictMemberAccessRemovesTheAccountsToo() {
        MembershipWork w = planner.plan(resource("hpc_a", false, false, true), List.of(), accounts().of("p1"));
        assertEquals(List.of(), w.add);
        assertEquals(List.of("alice", "bob", "carol", "svc_old"), w.stale);
    }

    @Test
    void aProjectWithoutAccountsGetsNone() {
        assertEquals(List.of(), accounts().of("p9"));
        assertEquals(List.of(), accounts().of(null));
    }
}
