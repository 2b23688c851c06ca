package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ComponentConfig;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SLURM TRES-minutes → the "%.2f" amounts sent to Waldur (site-agent-behaviour.md §7.2). */
class UsageToWaldurTest {
    private static final String REFERENCE_ROWS = """
            hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|01:02:03|alice
            hpc_alloc1|billing=4,cpu=4,mem=16000M,node=1|1-02:03:04|bob
            """;

    private static ComponentConfig usage(String type, String factor, String reportingFactor) {
        return new ComponentConfig(type, type, "units", "usage", new BigDecimal(factor),
                reportingFactor == null ? null : new BigDecimal(reportingFactor), null);
    }

    /** cpu in k-Hours (60000 cpu-minutes), mem in gb-Hours (61440 MB-minutes), as in the reference table. */
    private static final TresConverter REFERENCE = converter(usage("cpu", "60000", null), usage("mem", "61440", null));

    private static TresConverter converter(ComponentConfig... components) {
        Map<String, ComponentConfig> byType = new LinkedHashMap<>();
        for (ComponentConfig c : components) {
            byType.put(c.type(), c);
        }
        return new TresConverter(byType);
    }

    /** Plain strings as they go on the wire, so "0.00" and "0.0" are told apart. */
    private static Map<String, String> wire(Map<String, BigDecimal> waldur) {
        Map<String, String> out = new LinkedHashMap<>();
        waldur.forEach((type, value) -> out.put(type, value.toPlainString()));
        return out;
    }

    private static AccountUsage parse(String sacct, String account, List<String> types) throws IOException {
        UsageAggregator aggregator = new UsageAggregator(types);
        SacctParser.parse(new StringReader(sacct), aggregator);
        return aggregator.resultFor(List.of(account)).get(account);
    }

    @Test
    void referenceWorkedExampleGivesTheTableFigures() throws IOException {
        AccountUsage usage = parse(REFERENCE_ROWS, "hpc_alloc1", List.of("cpu", "mem"));
        assertEquals(Map.of("cpu", "0.00", "mem", "16.16"), wire(REFERENCE.usageToWaldur(usage.byUser().get("alice"))));
        assertEquals(Map.of("cpu", "0.10", "mem", "407.05"), wire(REFERENCE.usageToWaldur(usage.byUser().get("bob"))));
        // rounded independently: 0.00 + 0.10 ≠ 0.11, as the reference table notes
        assertEquals(Map.of("cpu", "0.11", "mem", "423.21"), wire(REFERENCE.usageToWaldur(usage.total())));
    }

    @Test
    void exactSumsAndTheReferencePerRowFloorRoundToTheSameFigures() throws IOException {
        AccountUsage usage = parse(REFERENCE_ROWS, "hpc_alloc1", List.of("cpu", "mem"));
        // the reference floors MB-minutes per row: 992800 + 25009066 = 26001866; we keep bob's 2/3 MB-minute
        BigDecimal referenceBobMem = new BigDecimal("25009066");
        BigDecimal referenceTotalMem = new BigDecimal("26001866");
        assertEquals(1, usage.total().get("mem").compareTo(referenceTotalMem));
        assertEquals("407.05", REFERENCE.usageToWaldur(Map.of("mem", referenceBobMem)).get("mem").toPlainString());
        assertEquals("423.21", REFERENCE.usageToWaldur(Map.of("mem", referenceTotalMem)).get("mem").toPlainString());
        assertEquals(REFERENCE.usageToWaldur(Map.of("mem", referenceTotalMem)), REFERENCE.usageToWaldur(
                Map.of("mem", usage.total().get("mem"))));
    }

    @Test
    void tiesRoundHalfUp() {
        TresConverter hours = converter(usage("cpu", "60", null));
        // 0.3 / 60 = 0.005 and 1.5 / 60 = 0.025: half-even would give 0.00 and 0.02
        assertEquals("0.01", hours.usageToWaldur(Map.of("cpu", new BigDecimal("0.3"))).get("cpu").toPlainString());
        assertEquals("0.03", hours.usageToWaldur(Map.of("cpu", new BigDecimal("1.5"))).get("cpu").toPlainString());
        assertEquals("0.00", hours.usageToWaldur(Map.of("cpu", new BigDecimal("0.29999"))).get("cpu").toPlainString());
    }

    @Test
    void tieReachedThroughSacctIsNotLostToTheMinutesScale() throws IOException {
        // 1 cpu × 18 s = 0.3 cpu-minutes = exactly 0.005 cpu-hours → 0.01
        AccountUsage usage = parse("proj|cpu=1|00:00:18|alice\n", "proj", List.of("cpu"));
        assertEquals("0.01", converter(usage("cpu", "60", null)).usageToWaldur(usage.total()).get("cpu").toPlainString());
        // 1 cpu × 17 s = 0.28333… cpu-minutes = 0.0047222… → 0.00
        AccountUsage below = parse("proj|cpu=1|00:00:17|alice\n", "proj", List.of("cpu"));
        assertEquals("0.00", converter(usage("cpu", "60", null)).usageToWaldur(below.total()).get("cpu").toPlainString());
    }

    @Test
    void reportingFactorOverridesUnitFactor() {
        TresConverter gpu = converter(usage("gres/gpu", "1", "60"));
        assertEquals("2.50", gpu.usageToWaldur(Map.of("gres/gpu", new BigDecimal("150"))).get("gres/gpu").toPlainString());
    }

    @Test
    void onlyConfiguredComponentsAreReported() {
        Map<String, BigDecimal> out = REFERENCE.usageToWaldur(Map.of(
                "cpu", new BigDecimal("60000"), "gres/gpu", new BigDecimal("120"), "billing", BigDecimal.TEN));
        assertEquals(Map.of("cpu", "1.00"), wire(out));
    }

    @Test
    void accountWithoutRowsReportsZeros() {
        AccountUsage idle = AccountUsage.zero("hpc_idle", List.of("cpu", "mem"));
        assertEquals(Map.of("cpu", "0.00", "mem", "0.00"), wire(REFERENCE.usageToWaldur(idle.total())));
    }
}
