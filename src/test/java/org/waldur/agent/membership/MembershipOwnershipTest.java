package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.waldur.agent.membership.MembershipPlannerTest.member;
import static org.waldur.agent.membership.MembershipPlannerTest.resource;
import static org.waldur.agent.membership.MembershipPlannerTest.settings;

/** What membership sync owns in SLURM, and what it leaves alone (issue 9). */
class MembershipOwnershipTest {
    private final List<String> log = new ArrayList<>();

    private MembershipPlanner planner(String associations, String policy) {
        return new MembershipPlanner(settings(policy, null, "normal", "limited", "paused"),
                AssociationSnapshot.parse(associations, ""), log::add);
    }

    @Test
    void anUnsafeUserNameAlreadyInSlurmIsReportedAndSkippedNotRemovedNorThrown() {
        MembershipPlanner p = planner("""
                sandbox|hpc_a|hpc_p||cpu=1|normal
                sandbox|hpc_a||alice||normal
                sandbox|hpc_a||x,root||normal
                sandbox|hpc_a||Bob Smith||normal
                """, "individual");
        MembershipWork w = p.plan(resource("hpc_a", false, false, false), List.of(member("dave", "dave", "OK")));
        assertEquals(List.of("dave"), w.add);
        assertEquals(List.of("alice"), w.stale, "only names safe to put in a command are removed");
        assertTrue(log.stream().anyMatch(l -> l.contains("x,root") && l.contains("not a safe")), () -> "" + log);
        assertFalse(w.isFailed(), "reported, not an error of the resource");
    }

    @Test
    void anAdminGrantedQosBesideTheDefaultIsKept() {
        MembershipPlanner p = planner("""
                sandbox|hpc_c|hpc_p|||high,normal
                """, "individual");
        MembershipWork w = p.plan(resource("hpc_c", false, false, false), List.of());
        assertFalse(w.isQosChange(), "qos_default is there and no other QoS the agent manages: nothing to do");
    }

    @Test
    void pausingAndDownscalingOwnTheWholeList() {
        MembershipPlanner p = planner("""
                sandbox|hpc_c|hpc_p|||high,normal
                """, "individual");
        MembershipWork paused = p.plan(resource("hpc_c", true, false, false), List.of());
        assertTrue(paused.isQosChange());
        assertEquals("paused", paused.qosList(), "a paused account may use no other QoS");
        MembershipWork down = p.plan(resource("hpc_c", false, true, false), List.of());
        assertEquals("limited", down.qosList());
    }

    @Test
    void unpausingKeepsQosTheAgentDoesNotManageAndDropsTheOnesItDoes() {
        MembershipPlanner p = planner("""
                sandbox|hpc_c|hpc_p|||high,limited
                """, "individual");
        MembershipWork w = p.plan(resource("hpc_c", false, false, false), List.of());
        assertTrue(w.isQosChange());
        assertEquals("high,normal", w.qosList());
    }

    @Test
    void policyCommonRemovesTheDefaultAssociationOfUsersLeavingTheirLastAllocation() {
        String associations = """
                sandbox|hpc_a|hpc_p||cpu=1|normal
                sandbox|hpc_a||alice||normal
                sandbox|hpc_a||bob||normal
                sandbox|hpc_b|hpc_p||cpu=1|normal
                sandbox|hpc_b||bob||normal
                sandbox|common_acct|root|||normal
                sandbox|common_acct||alice||normal
                sandbox|common_acct||bob||normal
                sandbox|common_acct||root||normal
                """;
        AssociationSnapshot snapshot = AssociationSnapshot.parse(associations, "");
        MembershipPlanner p = new MembershipPlanner(settings("common", null, "normal", "limited", "paused"), snapshot, log::add);
        MembershipBatch batch = new MembershipBatch(settings("common", null, "normal", "limited", "paused"), snapshot);
        batch.add(p.plan(resource("hpc_a", false, false, false), List.of()));
        batch.add(p.plan(resource("hpc_b", false, false, false), List.of(member("bob", "bob", "OK"))));
        List<String> removals = batch.stale().stream().map(s -> s.user() + "@" + s.getAccount()).toList();
        assertEquals(List.of("alice@hpc_a", "bob@hpc_a", "alice@common_acct"), removals,
                "alice has no allocation left; bob keeps hpc_b, so his default association stays");
    }

    @Test
    void policyIndividualNeverTouchesDefaultAccount() {
        String associations = """
                sandbox|hpc_a|hpc_p||cpu=1|normal
                sandbox|hpc_a||alice||normal
                sandbox|common_acct||alice||normal
                """;
        AssociationSnapshot snapshot = AssociationSnapshot.parse(associations, "");
        MembershipPlanner p = new MembershipPlanner(settings("individual", null, "normal", "limited", "paused"), snapshot, log::add);
        MembershipBatch batch = new MembershipBatch(settings("individual", null, "normal", "limited", "paused"), snapshot);
        batch.add(p.plan(resource("hpc_a", false, false, false), List.of()));
        assertEquals(List.of("alice@hpc_a"), batch.stale().stream().map(s -> s.user() + "@" + s.getAccount()).toList());
    }
}
