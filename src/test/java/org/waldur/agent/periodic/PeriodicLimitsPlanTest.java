package org.waldur.agent.periodic;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.PeriodicLimitsSettings;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of a burst of RESOURCE_PERIODIC_LIMITS messages, with values worked out by hand. */
class PeriodicLimitsPlanTest {
    private static final SlurmSettings SETTINGS = new SlurmSettings("root", "individual", "root", "hpc_", "hpc_", "hpc_",
            null, "sandbox", "/usr/bin", List.of(), null, false, "normal", null, null, false, "0077", null, false, 50, false,
            false, 34, SlurmSettings.UsageBasis.REQUESTED, new PeriodicLimitsSettings(true, "GrpTRESMins"));
    private static final String POLICY = "99999999999999999999999999999999";

    /** Cluster|Account|ParentName|User|GrpTRESMins|QOS|MaxTRESMins|Fairshare, as sacctmgr prints it. */
    private static final String BEFORE = """
            sandbox|hpc_a|hpc_proj||cpu=100,mem=600G|normal||1
            sandbox|hpc_a||alice||normal||parent
            sandbox|hpc_b|hpc_proj|||normal|cpu=50|20
            """;

    private static String message(String resource, String backendId, String settings) {
        return """
                {"resource_uuid": "%s", "backend_id": "%s", "offering_uuid": "cccccccccccccccccccccccccccccccc",
                 "policy_uuid": "%s", "action": "apply_periodic_settings", "timestamp": "2026-12-01T00:00:00",
                 "settings": %s}""".formatted(resource, backendId, POLICY, settings);
    }

    private static String uuid(char c) {
        return String.valueOf(c).repeat(32);
    }

    @Test
    void writesOnlyWhatDiffersInOneLoadAndResetsInOneCommand() {
        PeriodicLimitsPlan plan = PeriodicLimitsPlan.of(List.of(
                // fairshare 1 → 500; billing is new; cpu 100.4 rounds to the 100 SLURM has, and mem 614400 is the
                // 600G SLURM prints (600 × 1024 MB): neither written
                message(uuid('a'), "hpc_a", "{\"fairshare\": 500, \"limit_type\": \"GrpTRESMins\", "
                        + "\"grp_tres_mins\": {\"billing\": 60000, \"cpu\": 100.4, \"mem\": 614400}, \"reset_raw_usage\": true, "
                        + "\"qos_threshold\": {\"billing\": 1}, \"grace_limit\": {\"billing\": 2}}"),
                // two messages for hpc_b: the later one wins, and SLURM already holds it
                message(uuid('b'), "hpc_b", "{\"fairshare\": 10}"),
                message(uuid('b'), "hpc_b", "{\"fairshare\": 20, \"limit_type\": \"MaxTRESMins\", \"max_tres_mins\": {\"cpu\": 50}}"),
                message(uuid('d'), "hpc_gone", "{\"fairshare\": 5}"),
                message(uuid('e'), "root", "{\"fairshare\": 5}"),
                message(uuid('f'), "other_x", "{\"fairshare\": 5}"),
                message(uuid('0'), "hpc_a", "{\"limit_type\": \"GrpTRES\", \"grp_tres_mins\": {\"cpu\": 1}}"),
                "{\"backend_id\": \"hpc_a\", \"action\": \"apply_periodic_settings\", \"settings\": {}}"), SETTINGS);

        assertEquals(List.of("hpc_a", "hpc_b", "hpc_gone"), plan.accounts(), "one read for the three accounts");
        plan.diff(AssociationSnapshot.parse(BEFORE, ""));

        assertEquals("""
                Cluster - 'sandbox'
                Parent - 'hpc_proj'
                Account - 'hpc_a':Fairshare='500':GrpTRESMins='billing=60000'
                """, plan.load().render("sandbox"));
        assertEquals(List.of("hpc_a"), plan.writing().stream().map(i -> i.account).toList());
        assertEquals(List.of("hpc_a"), plan.resets().stream().map(i -> i.account).toList());

        // SLURM shows the fairshare but not the billing minutes: hpc_a's verdict is a failure saying which
        plan.verify(AssociationSnapshot.parse("sandbox|hpc_a|hpc_proj||cpu=100,mem=600G|normal||500\n", ""));
        PeriodicLimitsPlan.Item a = plan.items().get(0);
        assertTrue(a.error().contains("GrpTRESMins billing=60000 (SLURM shows none)"), a.error());

        List<PeriodicLimitsPlan.Report> reports = plan.reports();
        // root, other_x and GrpTRES refused and reported; the message without UUIDs only logged; a, b twice, gone
        assertEquals(7, reports.size(), reports.toString());
        Map<String, Object> b = reports.stream().filter(r -> r.resourceUuid().equals(uuid('b'))).findFirst().orElseThrow().body();
        assertEquals(Map.of("resource_uuid", "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb", "success", true, "error_message", "",
                "mode", "production", "commands_executed", List.of()), b);
        assertEquals(2, reports.stream().filter(r -> r.resourceUuid().equals(uuid('b')) && r.success()).count());
        assertEquals("SLURM has no account hpc_gone", body(reports, 'd').get("error_message"));
        assertTrue(((String) body(reports, 'e').get("error_message")).contains("root"));
        assertTrue(((String) body(reports, 'f').get("error_message")).contains("lacks the allocation prefix 'hpc_'"));
        assertTrue(((String) body(reports, '0').get("error_message")).contains("limit_type 'GrpTRES'"));
        assertEquals(POLICY, reports.get(0).policyUuid());
    }

    @Test
    void theConfiguredLimitTypeIsTheFallbackAndZeroFairshareIsLeftAlone() {
        PeriodicLimitsMessage m = PeriodicLimitsMessage.parse(message(uuid('a'), "hpc_a",
                "{\"fairshare\": 0, \"grp_tres_mins\": {\"gres/gpu\": \"120.5\"}}"), new PeriodicLimitsSettings(true, "MaxTRESMins"));
        assertNull(m.problem());
        assertEquals("MaxTRESMins", m.limitType());
        assertNull(m.fairshare());
        assertEquals(Map.of("gres/gpu", 121L), m.limits(), "120.5 minutes round half up to whole minutes");

        PeriodicLimitsPlan plan = PeriodicLimitsPlan.of(List.of(message(uuid('a'), "hpc_a",
                "{\"grp_tres_mins\": {\"gres/gpu\": 120}}")), SETTINGS);
        plan.diff(AssociationSnapshot.parse(BEFORE, ""));
        assertEquals(Map.of("GrpTRESMins", "gres/gpu=120"), plan.writing().get(0).writes);
        assertEquals(List.of(), plan.resets());
    }

    @Test
    void badValuesAreRefusedBeforeTheyReachALoadFile() {
        for (String settings : List.of("{\"fairshare\": -1}", "{\"fairshare\": \"x\"}", "{\"grp_tres_mins\": {\"cpu,mem\": 1}}",
                "{\"grp_tres_mins\": {\"cpu\": -5}}", "{\"grp_tres_mins\": [1]}", "{\"grp_tres_mins\": {\"cpu':x\": 1}}")) {
            PeriodicLimitsMessage m = PeriodicLimitsMessage.parse(message(uuid('a'), "hpc_a", settings), PeriodicLimitsSettings.OFF);
            assertTrue(m.problem() != null && m.reportable(), settings);
        }
        assertTrue(PeriodicLimitsMessage.parse(message(uuid('a'), "hpc_a;rm", "{}"), PeriodicLimitsSettings.OFF).problem()
                .contains("not a SLURM account name"));
    }

    private static Map<String, Object> body(List<PeriodicLimitsPlan.Report> reports, char resource) {
        return reports.stream().filter(r -> r.resourceUuid().equals(uuid(resource))).findFirst().orElseThrow().body();
    }
}
