package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;
import org.waldur.agent.slurm.SacctJobs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Record construction; the component and score vectors are AUDITOR's sacctcaller.rs tests (auditor.md §8). */
class RecordBuilderTest {
    static SacctJobs.Job job(String id, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("JobID", id);
        m.put("Start", "1796089478");
        m.put("End", "1796089480");
        m.put("User", "alice");
        m.put("Group", "lab");
        m.put("State", "COMPLETED");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new SacctJobs.Job(id, m);
    }

    static RecordBuilder builder(String yamlBody) {
        return new RecordBuilder(CollectorConfigTest.parse("tls_config: {use_tls: false}\n" + yamlBody, Map.of()));
    }

    @Test
    void auditorsTestClusterRecords() throws Exception {
        RecordBuilder b = new RecordBuilder(CollectorConfigTest.parse(CollectorConfigTest.AUDITOR_TEST_CONFIG, Map.of()));
        Record r1 = b.build(job("1", "Partition", "part1", "NCPUS", "1", "ReqMem", "10M", "SystemCPU", "00:00.016",
                "UserCPU", "01:02.004", "Comment", "{ 'voms': '/atlas/Role=production', 'subject': '/some/thing' }"));
        assertEquals("slurm-1", r1.recordId());
        assertEquals(List.of("SiteA"), r1.metaValues("site_id"));
        assertEquals(List.of("/atlas/Role=production"), r1.metaValues("voms"));
        assertEquals(List.of("/some/thing"), r1.metaValues("subject"));
        assertEquals(List.of("alice"), r1.metaValues("user_id"));
        assertEquals(List.of("lab"), r1.metaValues("group_id"));
        assertEquals(new Component("Cores", 1, List.of(new Score("HEPSPEC06", 1.1))), r1.component("Cores"));
        assertEquals(62, r1.component("UserCPU").amount());
        assertEquals(10, r1.component("Memory").amount());
        assertEquals(Instant.ofEpochSecond(1796089478), r1.startTime());
        assertEquals(2, r1.runtime());

        Record r2 = b.build(job("2_1", "Partition", "part2", "NCPUS", "4", "ReqMem", "20M"));
        assertEquals("slurm-2_1", r2.recordId());
        assertEquals(List.of("SiteB"), r2.metaValues("site_id"));
        assertEquals(List.of("Cores", "Memory"), r2.components().stream().map(Component::name).toList(),
                "SystemCPU/UserCPU only for part1");
        assertEquals(List.of(new Score("HEPSPEC06", 1.2)), r2.component("Cores").scores());
    }

    @Test
    void noComponentsConfiguredGivesNoComponents() throws Exception {
        assertEquals(List.of(), builder("components: []\n").build(job("6776554")).components());
    }

    @Test
    void aComponentFromItsKey() throws Exception {
        Record r = builder("components:\n  - {name: MaxRSS, key: MaxRSS}\n").build(job("6776554", "MaxRSS", "1024"));
        assertEquals(List.of(new Component("MaxRSS", 1024, List.of())), r.components());
    }

    @Test
    void aMissingComponentKeyMakesTheJobUnbuildableUnlessADefaultIsSet() throws Exception {
        RecordBuilder.Unbuildable e = assertThrows(RecordBuilder.Unbuildable.class,
                () -> builder("components:\n  - {name: MaxRSS, key: MaxRSS}\n").build(job("6776554")));
        assertTrue(e.getMessage().contains("no MaxRSS"), e.getMessage());
        Record r = builder("components:\n  - {name: MaxRSS, key: MaxRSS, default_value: 0}\n").build(job("6776554"));
        assertEquals(List.of(new Component("MaxRSS", 0, List.of())), r.components());
    }

    @Test
    void multipleScoresAndScoresWithOnlyIf() throws Exception {
        RecordBuilder multi = builder("components:\n  - name: NCPUS\n    key: NCPUS\n    scores:\n"
                + "      - {name: HEPSPEC06, value: 10.0}\n      - {name: hepscore23, value: 10.0}\n");
        assertEquals(List.of(new Score("HEPSPEC06", 10.0), new Score("hepscore23", 10.0)),
                multi.build(job("1234567", "NCPUS", "8")).component("NCPUS").scores());
        RecordBuilder onlyIf = builder("components:\n  - name: NCPUS\n    key: NCPUS\n    scores:\n"
                + "      - {name: Score1, value: 1.0}\n"
                + "      - {name: Score2, value: 2.0, only_if: {key: Partition, matches: \".*1\"}}\n");
        assertEquals(List.of(new Score("Score1", 1.0), new Score("Score2", 2.0)),
                onlyIf.build(job("1234567", "NCPUS", "8", "Partition", "partition1")).component("NCPUS").scores());
        assertEquals(List.of(new Score("Score1", 1.0)),
                onlyIf.build(job("1234567", "NCPUS", "8", "Partition", "partition2")).component("NCPUS").scores());
    }

    @Test
    void whatAuditorPanicsOnOrDropsSilentlyIsAReason() {
        RecordBuilder sites = builder("sites:\n  - {name: A, only_if: {key: Partition, matches: \"^part1$\"}}\n");
        assertTrue(assertThrows(RecordBuilder.Unbuildable.class, () -> sites.build(job("5", "Partition", "debug", "NCPUS", "1")))
                .getMessage().contains("no configured site"));
        RecordBuilder meta = builder("meta:\n  - {name: acct, key: Account, key_type: String}\n");
        assertTrue(assertThrows(RecordBuilder.Unbuildable.class, () -> meta.build(job("5", "NCPUS", "1")))
                .getMessage().contains("no Account"));
        RecordBuilder text = builder("components:\n  - {name: P, key: Partition, key_type: String}\n");
        assertTrue(assertThrows(RecordBuilder.Unbuildable.class, () -> text.build(job("5", "Partition", "x")))
                .getMessage().contains("not a number"));
        RecordBuilder plain = builder("");
        assertTrue(assertThrows(RecordBuilder.Unbuildable.class, () -> plain.build(job("5", "NCPUS", "1", "User", "")))
                .getMessage().contains("no User"));
    }

    @Test
    void metaOnlyIfIsApplied() throws Exception {
        RecordBuilder b = builder("meta:\n  - {name: qos, key: QOS, key_type: String, only_if: {key: Partition, matches: \"^gpu$\"}}\n");
        assertEquals(List.of("high"), b.build(job("7", "NCPUS", "1", "QOS", "high", "Partition", "gpu")).metaValues("qos"));
        assertEquals(List.of(), b.build(job("8", "NCPUS", "1", "QOS", "high", "Partition", "cpu")).metaValues("qos"));
    }
}
