package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipPlannerTest {
    // Cluster|Account|ParentName|User|GrpTRESMins|QOS
    private static final String ASSOCIATIONS = """
            sandbox|hpc_a|hpc_p||cpu=600000|normal
            sandbox|hpc_a||alice||normal
            sandbox|hpc_a||bob||normal
            sandbox|hpc_a||carol||normal
            sandbox|hpc_b|hpc_p|||paused
            sandbox|hpc_c|hpc_p|||high,normal
            """;
    private final List<String> log = new ArrayList<>();

    static SlurmSettings settings(String policy, String partition, String qosDefault, String qosDownscaled, String qosPaused) {
        return new SlurmSettings("common_acct", policy, "root", "hpc_", "hpc_", "hpc_", null, "sandbox", "/usr/bin", List.of(),
                partition, false, qosDefault, qosDownscaled, qosPaused, true, "0077", null, false, 50, false, false, 0,
                SlurmSettings.UsageBasis.REQUESTED);
    }

    private MembershipPlanner planner(SlurmSettings s) {
        return new MembershipPlanner(s, AssociationSnapshot.parse(ASSOCIATIONS, ""), log::add);
    }

    private MembershipPlanner planner() {
        return planner(settings("individual", null, "normal", "limited", "paused"));
    }

    static Resource resource(String backendId, boolean paused, boolean downscaled, boolean restrict) {
        return new Resource("r1", "Alloc", "alloc", "OK", backendId, "p1", "proj", "Project", "c1", "cust", "Customer",
                Map.of(), Map.of(), Map.of("qos", "normal"), paused, downscaled, restrict);
    }

    static TeamMember member(String username, String offeringUsername, String state) {
        return new TeamMember("u-" + username, username, username.toUpperCase(), "member", offeringUsername, state);
    }

    @Test
    void teamAgainstAssociationsGivesAddStaleAndExisting() {
        MembershipWork w = planner().plan(resource("hpc_a", false, false, false), List.of(
                member("alice", "alice", "OK"), member("dave", "dave", "OK"), member("eve", "eve", "OK")));
        assertEquals(List.of("dave", "eve"), w.add);
        assertEquals(List.of("bob", "carol"), w.stale, "stale = SLURM members − team, not intersected with offering users (gh-13)");
        assertEquals(List.of("alice"), w.existing);
        assertFalse(w.accountMissing);
        assertFalse(w.isFailed());
    }

    @Test
    void membersWithoutAnOkOfferingUserOrWithAnUnsafeNameAreSkippedWithAReason() {
        MembershipWork w = planner().plan(resource("hpc_a", false, false, false), List.of(
                member("alice", "alice", "OK"),
                member("bob", "bob", "Requested"),
                member("frank", null, null),
                member("gina", "  ", "OK"),
                member("mallory", "eve,root", "OK"),
                member("Upper", "Upper", "OK")));
        assertEquals(List.of(), w.add);
        assertEquals(List.of("bob", "carol"), w.stale, "bob's offering user is not OK, so he is not wanted");
        assertEquals(5, w.skipped.size(), () -> "" + w.skipped);
        assertTrue(w.skipped.get(0).contains("bob") && w.skipped.get(0).contains("Requested"), w.skipped.get(0));
        assertTrue(w.skipped.get(1).contains("frank") && w.skipped.get(1).contains("no offering username"));
        assertTrue(w.skipped.get(3).contains("not a safe SLURM user name"), w.skipped.get(3));
        assertTrue(w.skipped.get(4).contains("'Upper'"), "SLURM stores names lower-case: an upper-case name is refused, not folded");
        assertEquals(5, log.stream().filter(l -> l.contains("skipped")).count(), "every skipped member is in the log");
    }

    @Test
    void restrictMemberAccessRemovesEveryoneAndAddsNobody() {
        MembershipWork w = planner().plan(resource("hpc_a", false, false, true), List.of(
                member("alice", "alice", "OK"), member("dave", "dave", "OK")));
        assertEquals(List.of(), w.add);
        assertEquals(List.of(), w.existing);
        assertEquals(List.of("alice", "bob", "carol"), w.stale);
        assertFalse(w.isAdding());
    }

    @Test
    void missingAccountIsReportedNotPlanned() {
        MembershipWork w = planner().plan(resource("hpc_gone", false, false, false), List.of(member("alice", "alice", "OK")));
        assertTrue(w.accountMissing);
        assertEquals(List.of(), w.add);
        assertEquals(List.of(), w.stale);
        assertFalse(w.isQosChange());
    }

    @Test
    void unsafeBackendIdIsRefused() {
        assertThrows(SlurmNames.UnsafeNameException.class, () -> planner().plan(resource("hpc_a,root", false, false, false), List.of()));
    }

    @Test
    void qosFollowsPausedThenDownscaledThenDefault() {
        MembershipPlanner p = planner();
        MembershipWork restore = p.plan(resource("hpc_b", false, false, false), List.of());
        assertEquals("normal", restore.qosTarget);
        assertTrue(restore.isQosChange(), "paused -> normal");

        MembershipWork paused = p.plan(resource("hpc_a", true, true, false), List.of());
        assertEquals("paused", paused.qosTarget, "paused wins over downscaled");
        assertTrue(paused.isQosChange());

        MembershipWork down = p.plan(resource("hpc_a", false, true, false), List.of());
        assertEquals("limited", down.qosTarget);

        MembershipWork same = p.plan(resource("hpc_b", true, false, false), List.of());
        assertFalse(same.isQosChange(), "already paused: no write");

        MembershipWork list = p.plan(resource("hpc_c", false, false, false), List.of());
        assertFalse(list.isQosChange(), "'high,normal' holds qos_default; an admin's 'high' is not the agent's to reset");
    }

    @Test
    void missingQosSettingIsThisResourcesErrorOnly() {
        MembershipPlanner p = planner(settings("individual", null, "normal", null, null));
        MembershipWork paused = p.plan(resource("hpc_a", true, false, false), List.of(member("dave", "dave", "OK")));
        assertTrue(paused.isFailed());
        assertTrue(paused.getMessage().contains("qos_paused is not configured"), paused.getMessage());
        assertNull(paused.qosTarget);
        assertFalse(paused.isQosChange());
        assertEquals(List.of("dave"), paused.add, "membership is still synced");

        MembershipWork down = p.plan(resource("hpc_a", false, true, false), List.of());
        assertTrue(down.getMessage().contains("qos_downscaled is not configured"), down.getMessage());

        MembershipWork fine = p.plan(resource("hpc_a", false, false, false), List.of());
        assertFalse(fine.isFailed());
    }

    @Test
    void metadataKeepsOtherKeysAndOnlyChangesWhenTheQosDiffers() {
        MembershipWork w = planner().plan(resource("hpc_b", false, false, false), List.of());
        assertTrue(w.isMetadataChange(), "Waldur says normal, SLURM has paused");
        w.qos = "normal";
        assertFalse(w.isMetadataChange());
        Resource r = new Resource("r1", "Alloc", "alloc", "OK", "hpc_b", "p1", null, null, null, null, null, Map.of(), Map.of(),
                Map.of("state", "x", "qos", "old"), false, false, false);
        MembershipWork w2 = planner().plan(r, List.of());
        assertEquals(Map.of("backend_metadata", Map.of("state", "x", "qos", "paused")), w2.getMetadataBody());
    }

    @Test
    void defaultAccountPolicyAndPartition() {
        Resource r = resource("hpc_a", false, false, false);
        List<TeamMember> team = List.of(member("dave", "dave", "OK"));
        assertEquals("common_acct", planner(settings("common", null, "normal", null, "paused")).plan(r, team).defaultAccount);
        assertEquals("hpc_a", planner(settings("individual", null, "normal", null, "paused")).plan(r, team).defaultAccount);
        assertNull(planner(settings("none", null, "normal", null, "paused")).plan(r, team).defaultAccount);
        assertEquals(List.of("debug"), planner(settings("none", "debug", "normal", null, "paused")).plan(r, team).partitions);
        assertEquals(List.of(), planner(settings("none", null, "normal", null, "paused")).plan(r, team).partitions);
    }

    @Test
    void sameQosComparesSetsCaseInsensitively() {
        assertTrue(MembershipPlanner.sameQos("normal", "normal"));
        assertTrue(MembershipPlanner.sameQos("Normal", "normal"));
        assertFalse(MembershipPlanner.sameQos("", "normal"));
        assertFalse(MembershipPlanner.sameQos("normal,paused", "paused"));
    }
}
