package org.waldur.agent.auditor.apel;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked example of auditor.md §5.3/§5.4, which AUDITOR's plugin produces; the text must match byte for byte. */
class ApelSummaryTest {
    static final ApelConfig CONFIG = ApelConfig.load(Path.of("src/test/resources/auditor/apel-worked-example.yaml"));

    static Record job(String id, int cores, long runtime, long totalCpu, String stop) {
        Instant end = Instant.parse(stop);
        return Record.of(id, Map.of("site_id", List.of("siteA"), "voms", List.of("/atlas/Role=production"),
                        "headnode", List.of("ce1.example.org")),
                List.of(new Component("Cores", cores, List.of(new Score("hepscore23", 10.5))),
                        new Component("TotalCPU", totalCpu, List.of()), new Component("NNodes", 1, List.of())),
                end.minusSeconds(runtime), end);
    }

    static final Record R1 = job("R1", 8, 3601, 50000, "2026-03-02T11:00:01Z");
    static final Record R2 = job("R2", 8, 7200, 57000, "2026-03-05T12:00:00Z");
    static final Record R3 = job("R3", 4, 1800, 7000, "2026-03-05T13:00:00Z");

    static final String SUMMARY = """
            APEL-normalised-summary-message: v0.4
            Site: SITE_A
            Month: 3
            Year: 2026
            VO: atlas
            SubmitHost: ce1.example.org
            Infrastructure: grid
            NodeCount: 1
            Processors: 8
            EarliestEndTime: 1772449201
            LatestEndTime: 1772712000
            WallDuration: 10801
            CpuDuration: 107000
            NormalisedWallDuration: {HEPscore23: 113410}
            NormalisedCpuDuration: {HEPscore23: 1123500}
            NumberOfJobs: 2
            %%
            Site: SITE_A
            Month: 3
            Year: 2026
            VO: atlas
            SubmitHost: ce1.example.org
            Infrastructure: grid
            NodeCount: 1
            Processors: 4
            EarliestEndTime: 1772715600
            LatestEndTime: 1772715600
            WallDuration: 1800
            CpuDuration: 7000
            NormalisedWallDuration: {HEPscore23: 18900}
            NormalisedCpuDuration: {HEPscore23: 73500}
            NumberOfJobs: 1
            %%
            """;

    static final String SYNC = """
            APEL-sync-message: v0.1
            Site: SITE_A
            SubmitHost: ce1.example.org
            NumberOfJobs: 3
            Month: 3
            Year: 2026
            %%
            """;

    @Test
    void workedExampleByteForByte() {
        ApelSummary s = new ApelSummary(CONFIG, "SITE_A");
        s.addDay(List.of(R1));
        s.addDay(List.of(R2, R3));
        assertEquals(SUMMARY, s.summaryMessage());
        assertEquals(SYNC, s.syncMessage());
    }

    @Test
    void aRecordWithoutItsScoreIsSkippedAndCountedNotTheMonth() {
        Record noScore = Record.of("R4", R3.meta(), List.of(new Component("Cores", 4, List.of()),
                new Component("TotalCPU", 1, List.of()), new Component("NNodes", 1, List.of())), R3.startTime(), R3.stopTime());
        ApelSummary s = new ApelSummary(CONFIG, "SITE_A");
        s.addDay(List.of(R1));
        s.addDay(List.of(R2, noScore, R3, R3));
        assertEquals(SUMMARY, s.summaryMessage(), "R4 left out, R3 fetched twice counted once");
        assertEquals(List.of("record R4 has no score hepscore23 in component Cores"), s.skipped());
        assertEquals(1, s.duplicates());
        assertEquals(3, s.records());
    }

    @Test
    void groupsAreTuplesNotConcatenatedStrings() {
        // AUDITOR hashes "atla"+"sce" and "atlas"+"ce" to the same MD5 and merges the two groups.
        Record a = Record.of("a", Map.of("voms", List.of("/atla"), "headnode", List.of("sce")), R1.components(), R1.startTime(), R1.stopTime());
        Record b = Record.of("b", Map.of("voms", List.of("/atlas"), "headnode", List.of("ce")), R1.components(), R1.startTime(), R1.stopTime());
        ApelSummary s = new ApelSummary(CONFIG, "SITE_A");
        s.addDay(List.of(a));
        s.addDay(List.of(b));
        String m = s.summaryMessage();
        assertEquals(2, m.split("%%").length - 1, m);
        assertTrue(m.contains("VO: atla\nSubmitHost: sce\n") && m.contains("VO: atlas\nSubmitHost: ce\n"), m);
    }

    @Test
    void fractionalStopTimesPrintAsPythonFloats() {
        Record f = Record.of("f", R1.meta(), R1.components(), R1.startTime(), Instant.parse("2026-03-02T11:00:01.5Z"));
        ApelSummary s = new ApelSummary(CONFIG, "SITE_A");
        s.addDay(List.of(f));
        assertTrue(s.summaryMessage().contains("EarliestEndTime: 1772449201.5\n"), s.summaryMessage());
        assertEquals("37810.0", PyStr.floatRepr(37810.0));
        assertEquals("1e+16", PyStr.floatRepr(1e16));
        assertEquals("0.0001", PyStr.floatRepr(1e-4));
        assertEquals("1.5e-05", PyStr.floatRepr(1.5e-5));
    }
}
