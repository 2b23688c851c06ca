package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sacct rows → TRES-minutes: cpu-minutes, MB-minutes for mem, GPU-minutes for gres/gpu. */
class SacctParserTest {
    private static final List<String> TYPES = List.of("cpu", "mem", "gres/gpu");

    private UsageAggregator aggregator;
    private ParseStats stats;

    private Map<String, AccountUsage> parse(String sacctOutput) {
        return parse(new StringReader(sacctOutput));
    }

    private Map<String, AccountUsage> parse(Reader reader) {
        aggregator = new UsageAggregator(TYPES);
        try {
            stats = SacctParser.parse(reader, aggregator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return aggregator.result();
    }

    private static void assertMinutes(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " but was " + actual);
    }

    private static void assertUsage(Map<String, BigDecimal> usage, String cpu, String mem, String gpu) {
        assertMinutes(cpu, usage.get("cpu"));
        assertMinutes(mem, usage.get("mem"));
        assertMinutes(gpu, usage.get("gres/gpu"));
    }

    private void assertStats(long lines, long used, long malformed) {
        assertEquals(lines, stats.lines(), "lines");
        assertEquals(used, stats.rowsUsed(), "rows used");
        assertEquals(malformed, stats.malformed(), "malformed");
    }

    @Test
    void referenceRowsGiveExactTresMinutesPerUserAndAccount() {
        var result = parse("""
                hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|01:02:03|alice
                hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|1-02:03:04|bob
                """);
        AccountUsage usage = result.get("hpc_alloc1");
        // 3723 s × 4 cpu / 60 = 248.2; 3723 s × 16000 MB / 60 = 992800
        assertUsage(usage.byUser().get("alice"), "248.2", "992800", "0");
        // 93784 s × 4 / 60 = 6252.2666…; × 16000 MB / 60 = 25009066.666… (not floored per row)
        assertMinutes("6252.26666666666666666667", usage.byUser().get("bob").get("cpu"));
        assertMinutes("25009066.66666666666666666667", usage.byUser().get("bob").get("mem"));
        assertMinutes("6500.46666666666666666667", usage.total().get("cpu"));
        assertMinutes("26001866.66666666666666666667", usage.total().get("mem"));
        assertEquals(List.of("alice", "bob"), List.copyOf(usage.byUser().keySet()));
        assertStats(2, 2, 0);
    }

    @Test
    void emptyTresFieldNamesTheUserWithZeroUsage() {
        var result = parse("proj||00:10:00|alice\n"); // a never-started job has an empty AllocTRES
        assertUsage(result.get("proj").byUser().get("alice"), "0", "0", "0");
        assertUsage(result.get("proj").total(), "0", "0", "0");
        assertStats(1, 1, 0);
    }

    @Test
    void unknownAndUnconfiguredTresAreIgnored() {
        var result = parse("proj|billing=9,cpu=2,energy=77,fs/disk=5,license/matlab=1,node=3,vmem=9G|00:01:00|alice\n");
        assertUsage(result.get("proj").total(), "2", "0", "0");
        assertEquals(List.of("cpu", "mem", "gres/gpu"), List.copyOf(result.get("proj").total().keySet()));
    }

    @Test
    void typedGpuEntryIsNotCountedTwice() {
        var result = parse("proj|cpu=1,gres/gpu:a100=2,gres/gpu=2,mem=1G|00:30:00|alice\n");
        assertUsage(result.get("proj").total(), "30", "30720", "60");
    }

    @Test
    void memorySuffixesAndBareNumbersAreInMegabytes() {
        var result = parse("""
                k|mem=512K|00:01:00|u
                m|mem=16000M|00:01:00|u
                g|mem=2G|00:01:00|u
                t|mem=1T|00:01:00|u
                p|mem=1P|00:01:00|u
                e|mem=1E|00:01:00|u
                bare|mem=1000|00:01:00|u
                lower|mem=2g|00:01:00|u
                """);
        assertMinutes("0.5", result.get("k").total().get("mem"));
        assertMinutes("16000", result.get("m").total().get("mem"));
        assertMinutes("2048", result.get("g").total().get("mem"));
        assertMinutes("1048576", result.get("t").total().get("mem"));
        assertMinutes("1073741824", result.get("p").total().get("mem"));
        assertMinutes("1099511627776", result.get("e").total().get("mem"));
        assertMinutes("1000", result.get("bare").total().get("mem"));
        assertMinutes("2048", result.get("lower").total().get("mem"));
    }

    @Test
    void smallMemoryInKilobytesIsSummedExactly() {
        // 3 × 1K for 20 s = 60 KB-seconds = 1/1024 MB-minute: a per-row float or floor would lose it
        var result = parse("a|mem=1K|00:20|u\na|mem=1K|00:20|u\na|mem=1K|00:20|u\n");
        assertMinutes("0.0009765625", result.get("a").total().get("mem"));
    }

    @Test
    void countSuffixesMultiplyByPowersOf1024() {
        var result = parse("proj|cpu=2K,gres/gpu=1K|00:01:00|u\n");
        assertUsage(result.get("proj").total(), "2048", "0", "1024");
    }

    @Test
    void decimalAmountsAndFractionalSecondsStayExact() {
        var result = parse("""
                proj|mem=1.5G|00:01:00|alice
                proj|cpu=1|00:30.500|bob
                """);
        assertMinutes("1536", result.get("proj").byUser().get("alice").get("mem"));
        assertMinutes("0.50833333333333333333", result.get("proj").byUser().get("bob").get("cpu"));
    }

    @Test
    void elapsedFormsAreConvertedToMinutes() {
        var result = parse("""
                a|cpu=1|05:30|u
                b|cpu=1|05:30.000|u
                c|cpu=1|01:00:00|u
                d|cpu=1|01:00:00.000000|u
                e|cpu=1|2-00:00:00|u
                f|cpu=1|2-01|u
                g|cpu=1|2-01:30|u
                h|cpu=1|850:00:00|u
                """);
        assertMinutes("5.5", result.get("a").total().get("cpu"));
        assertMinutes("5.5", result.get("b").total().get("cpu"));
        assertMinutes("60", result.get("c").total().get("cpu"));
        assertMinutes("60", result.get("d").total().get("cpu"));
        assertMinutes("2880", result.get("e").total().get("cpu"));
        assertMinutes("2940", result.get("f").total().get("cpu"));
        assertMinutes("2970", result.get("g").total().get("cpu"));
        assertMinutes("51000", result.get("h").total().get("cpu"));
        assertStats(8, 8, 0);
    }

    @Test
    void invalidElapsedSkipsOnlyThatRow() {
        var result = parse("""
                proj|cpu=1|INVALID|alice
                proj|cpu=1|UNLIMITED|alice
                proj|cpu=1|soon|alice
                proj|cpu=1|00:01:00|alice
                """);
        assertUsage(result.get("proj").total(), "1", "0", "0");
        assertStats(4, 1, 3);
        assertEquals("line 1 (Elapsed is not a duration): proj|cpu=1|INVALID|alice", stats.malformedExamples().get(0));
    }

    @Test
    void brokenLinesAreCountedNeverFatal() {
        var result = parse("""
                proj|cpu=1|00:01:00|alice
                a description that
                continues here
                proj|cpu=1|00:01:00|bob|extra
                proj|cpu=1|00:01:00
                |cpu=1|00:01:00|carol
                proj|cpu=-1|00:01:00|dave
                proj|cpu=2|00:01:00|bob
                proj|cpu=4,mem=16""");
        assertUsage(result.get("proj").total(), "3", "0", "0");
        assertEquals(List.of("alice", "bob"), List.copyOf(result.get("proj").byUser().keySet()));
        assertStats(9, 2, 7);
        assertEquals(SacctParser.MAX_EXAMPLES, stats.malformedExamples().size());
        assertEquals("line 2 (fewer than 4 fields): a description that", stats.malformedExamples().get(0));
        assertTrue(stats.summary().startsWith("9 lines, 2 rows used, 7 malformed skipped (e.g. line 2"),
                stats.summary());
    }

    @Test
    void pipeInsideAFieldMakesTheLineMalformed() {
        parse("proj|cpu=1|00:01:00|ali|ce\n");
        assertStats(1, 0, 1);
        assertEquals("line 1 (more than 4 fields): proj|cpu=1|00:01:00|ali|ce", stats.malformedExamples().get(0));
    }

    @Test
    void truncatedLastLineInTheElapsedFieldIsSkipped() {
        var result = parse("proj|cpu=1|00:01:00|alice\nproj|cpu=4,mem=16000M|01:0");
        assertUsage(result.get("proj").total(), "1", "0", "0");
        assertStats(2, 1, 1);
    }

    @Test
    void accountLevelRowsCountInTheTotalOnly() {
        var result = parse("proj|cpu=1|00:10:00|\nproj|cpu=2|00:10:00|alice\n");
        AccountUsage usage = result.get("proj");
        assertUsage(usage.total(), "30", "0", "0");
        assertEquals(Map.of("alice", usage.byUser().get("alice")), usage.byUser());
        assertUsage(usage.byUser().get("alice"), "20", "0", "0");
    }

    @Test
    void windowsLineEndingsAndBlankLines() {
        var result = parse("proj|cpu=1|00:01:00|alice\r\n\r\n\nproj|cpu=1|00:01:00|alice\r\n");
        assertEquals(List.of("alice"), List.copyOf(result.get("proj").byUser().keySet()));
        assertUsage(result.get("proj").total(), "2", "0", "0");
        assertEquals(2, stats.blankLines());
        assertStats(4, 2, 0);
    }

    @Test
    void emptyInput() {
        assertTrue(parse("").isEmpty());
        assertStats(0, 0, 0);
        assertEquals("0 lines, 0 rows used, 0 malformed skipped", stats.summary());
        assertUsage(aggregator.resultFor(List.of("hpc_x")).get("hpc_x").total(), "0", "0", "0");
    }

    @Test
    void lineLongerThanTheBufferIsSkippedAndParsingContinues() {
        String longLine = "proj|cpu=1|00:01:00|" + "x".repeat(SacctParser.BUFFER_CHARS * 2);
        var result = parse("proj|cpu=1|00:01:00|alice\n" + longLine + "\nproj|cpu=1|00:01:00|bob\n");
        assertEquals(List.of("alice", "bob"), List.copyOf(result.get("proj").byUser().keySet()));
        assertStats(3, 2, 1);
        assertTrue(stats.malformedExamples().get(0).startsWith("line 2 (longer than 65536 chars): proj|cpu=1|"));
        assertTrue(stats.malformedExamples().get(0).length() < 250);
    }

    @Test
    void rowsSplitAcrossReadsGiveTheSameResult() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            text.append("acct").append(i % 7).append("|billing=4,cpu=").append(i % 5 + 1)
                    .append(",mem=").append(1000 + i).append("M,node=1|").append(i % 3).append("-0").append(i % 10)
                    .append(":00:0").append(i % 10).append("|user").append(i % 11).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        var whole = parse(text.toString());
        Reader trickle = new Reader() { // hands out 1..97 chars per read, splitting rows and \r\n anywhere
            private int position;
            private int call;

            @Override
            public int read(char[] target, int offset, int length) {
                if (position == text.length()) {
                    return -1;
                }
                int n = Math.min(Math.min(length, 1 + (call++ * 31) % 97), text.length() - position);
                text.getChars(position, position + n, target, offset);
                position += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        assertEquals(whole, parse(trickle));
        assertStats(5_000, 5_000, 0);
    }

    @Test
    void memoryGrowsWithPairsNotRows() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append(i % 2 == 0 ? "a|cpu=1|00:00:01|alice\n" : "b|cpu=1|00:00:01|\n");
        }
        var result = parse(text.toString());
        assertEquals(2, aggregator.pairCount());
        assertMinutes("833.33333333333333333333", result.get("a").total().get("cpu")); // 50,000 s / 60
    }

    @Test
    void sumsBeyondALongStayExact() {
        // 8 EB = 8 × 1024^4 MB for 850 h: 8,796,093,022,208 MB × 51,000 min, twice: > 2^63 KB-seconds
        var result = parse("big|mem=8E|850:00:00|u\nbig|mem=8E|850:00:00|u\n");
        assertMinutes("897201488265216000", result.get("big").total().get("mem"));
    }

    @Test
    void accountTotalBeyondALongStaysExact() {
        // each user: 2^50 KB × 4440 s ≈ 5.0e18 fits a long; their sum does not
        var result = parse("big|mem=1E|01:14:00|alice\nbig|mem=1E|01:14:00|bob\n");
        assertMinutes("81363860455424", result.get("big").byUser().get("alice").get("mem")); // 1024^4 MB × 74 min
        assertMinutes("162727720910848", result.get("big").total().get("mem"));
    }

    @Test
    void resultForNamesEveryAccountAskedForIgnoringCase() {
        parse("hpc_a|cpu=1|00:01:00|alice\nhpc_other|cpu=1|00:01:00|bob\n");
        var result = aggregator.resultFor(List.of("HPC_A", "hpc_idle"));
        assertEquals(List.of("HPC_A", "hpc_idle"), List.copyOf(result.keySet()));
        assertEquals("HPC_A", result.get("HPC_A").account());
        assertUsage(result.get("HPC_A").total(), "1", "0", "0");
        assertUsage(result.get("hpc_idle").total(), "0", "0", "0");
        assertTrue(result.get("hpc_idle").byUser().isEmpty());
        assertFalse(result.containsKey("hpc_other"));
    }

    @Test
    void inputStreamIsReadAsUtf8() throws IOException {
        aggregator = new UsageAggregator(TYPES);
        byte[] bytes = "projé|cpu=1|00:01:00|jürgen\n".getBytes(StandardCharsets.UTF_8);
        stats = SacctParser.parse(new ByteArrayInputStream(bytes), aggregator);
        assertUsage(aggregator.result().get("projé").byUser().get("jürgen"), "1", "0", "0");
    }
}
