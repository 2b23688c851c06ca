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
}
