package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UserUsageDiffTest {
    private static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    @Test
    void missingRowsAndChangedValuesArePostedPerComponent() {
        Map<String, Map<String, BigDecimal>> slurm = Map.of(
                "alice", Map.of("cpu", d("0.10"), "mem", d("16.16")),
                "bob", Map.of("cpu", d("0.00"), "mem", d("407.05")));
        assertEquals(Set.of("cpu", "mem"), UserUsageDiff.differing(Map.of(), slurm), "nothing in Waldur yet");
        Map<String, Map<String, BigDecimal>> held = Map.of(
                "cpu", Map.of("alice", d("0.1"), "bob", d("0")),
                "mem", Map.of("alice", d("16.16"), "bob", d("407.05")));
        assertEquals(Set.of(), UserUsageDiff.differing(held, slurm), "equal at 2 decimals, whatever the scale");
        Map<String, Map<String, BigDecimal>> bobMissing = Map.of(
                "cpu", Map.of("alice", d("0.10"), "bob", d("0.00")),
                "mem", Map.of("alice", d("16.16")));
        assertEquals(Set.of("mem"), UserUsageDiff.differing(bobMissing, slurm));
        Map<String, Map<String, BigDecimal>> stale = Map.of(
                "cpu", Map.of("alice", d("0.09"), "bob", d("0.00")),
                "mem", Map.of("alice", d("16.16"), "bob", d("407.05")));
        assertEquals(Set.of("cpu"), UserUsageDiff.differing(stale, slurm), "alice's cpu grew by 0.01");
    }

    @Test
    void rowsOfUsersSlurmDoesNotListAreLeftAlone() {
        Map<String, Map<String, BigDecimal>> held = Map.of("cpu", Map.of("alice", d("1.00"), "carol", d("5.00")));
        assertEquals(Set.of(), UserUsageDiff.differing(held, Map.of("alice", Map.of("cpu", d("1.00")))));
    }

    @Test
    void aZeroAgainstNoRowIsNothingToPost() {
        assertEquals(Set.of(), UserUsageDiff.differing(Map.of(), Map.of("alice", Map.of("gres/gpu", d("0.00")))));
        assertEquals(Set.of("cpu"), UserUsageDiff.differing(Map.of(), Map.of("alice", Map.of("cpu", d("0.01"), "gres/gpu", d("0.00")))));
    }

    @Test
    void aMonthWithoutJobsEqualsAMonthWaldurHasNoRecordOf() {
        Map<String, BigDecimal> zeros = Map.of("cpu", d("0.00"), "mem", d("0.00"));
        assertEquals(UsageDecision.Kind.UNCHANGED, UsageDecision.decide(java.util.List.of(), zeros).kind());
        assertEquals(UsageDecision.Kind.SUBMIT, UsageDecision.decide(java.util.List.of(), Map.of("cpu", d("0.01"))).kind());
        assertEquals(UsageDecision.Kind.UNCHANGED, UsageDecision.decide(
                java.util.List.of(new UsageDecision.Existing("u1", "cpu", d("2.50"))), Map.of("cpu", d("2.5"), "mem", d("0"))).kind(),
                "a component without a record counts as zero");
    }
}
