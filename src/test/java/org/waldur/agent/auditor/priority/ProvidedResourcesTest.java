package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Resources per group from records, on the records of AUDITOR's priority exporter test (auditor.md §4.2). */
class ProvidedResourcesTest {

    private static PriorityConfig config() throws Exception {
        Path f = Files.createTempFile("prio", ".yaml");
        Files.writeString(f, """
                components:
                  NumCPUs: "HEPSPEC"
                min_priority: 1
                max_priority: 65335
                group_mapping:
                  atlsch: ["nemo_vm_atlsch"]
                  atljak: ["nemo_vm_atljak"]
                  atlher: ["nemo_vm_atlher"]
                  atlhei: ["nemo_vm_atlhei"]
                """);
        return PriorityConfig.load(f);
    }

    private static Record job(String id, String group, int cpus, String scoreName, Instant stop) {
        return Record.of(id, Map.of("site_id", List.of("site1"), "group_id", List.of(group), "user_id", List.of("user1")),
                List.of(new Component("NumCPUs", cpus, List.of(new Score(scoreName, 10))), new Component("mem", 2048, List.of())),
                stop.minusSeconds(172_800), stop);
    }

    @Test
    void exporterFixtureGivesAuditorsResourcesAndPriorities() throws Exception {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        ProvidedResources.Accumulator acc = new ProvidedResources(config()).start();
        for (Record r : List.of(job("record-1", "atlsch", 8, "HEPSPEC", now), job("record-11", "atlsch", 8, "HEPSPEC", now),
                job("record-2", "atljak", 15, "HEPSPEC", now), job("record-22", "atljak", 15, "HEPSPEC", now),
                job("record-3", "atlher", 8, "hepspec23", now), job("record-33", "atlher", 11, "hepspec23", now),
                job("record-4", "atlhei", 8, "hepspec23", now), job("record-44", "atlhei", 14, "hepspec23", now))) {
            acc.add(r);
        }
        ProvidedResources.Result r = acc.result();
        assertEquals(Map.of("atlsch", 27_648_000.0, "atljak", 51_840_000.0, "atlher", 3_283_200.0, "atlhei", 3_801_600.0),
                r.perGroup(), "a misnamed score counts as factor 1.0, as in AUDITOR");
        assertEquals(4, r.missingScore());
        assertEquals(Map.of("atlsch", 20866L, "atljak", 39123L, "atlher", 2479L, "atlhei", 2870L),
                Priorities.compute(r.perGroup(), PriorityMode.SCALED_BY_SUM, 1, 65335).priorities());
    }

    @Test
    void duplicatesNegativeRuntimesAndOtherGroupsAreLeftOutAndCounted() throws Exception {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        ProvidedResources.Accumulator acc = new ProvidedResources(config()).start();
        acc.add(job("a", "atlsch", 1, "HEPSPEC", now));
        acc.add(job("a", "atlsch", 1, "HEPSPEC", now));
        acc.add(Record.of("neg", Map.of("group_id", List.of("atlsch")), List.of(new Component("NumCPUs", 1, List.of())),
                now, now.minusSeconds(10)));
        acc.add(job("x", "nobody", 1, "HEPSPEC", now));
        acc.add(Record.of("nocomp", Map.of("group_id", List.of("atlsch")), List.of(new Component("mem", 1, List.of())),
                now.minusSeconds(10), now));
        ProvidedResources.Result r = acc.result();
        assertEquals(1_728_000.0, r.perGroup().get("atlsch"));
        assertEquals(1, r.used());
        assertEquals(1, r.duplicates());
        assertEquals(1, r.negativeRuntime());
        assertEquals(1, r.otherGroup());
        assertEquals(1, r.noConfiguredComponent());
    }
}
