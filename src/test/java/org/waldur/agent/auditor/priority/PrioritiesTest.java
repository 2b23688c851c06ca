package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The golden numbers of AUDITOR's priority plugin (auditor.md §4.3), which its own tests check. */
class PrioritiesTest {

    private static Map<String, Double> groups(double... values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put("g" + (i + 1), values[i]);
        }
        return m;
    }

    private static List<Long> values(Priorities.Result r) {
        return List.copyOf(r.priorities().values());
    }

    @Test
    void unitVectorsOfAuditor() {
        assertEquals(List.of(1L, 6L, 10L), values(Priorities.compute(groups(2, 3, 4), PriorityMode.FULL_SPREAD, 1, 10)));
        assertEquals(List.of(3L, 4L, 5L), values(Priorities.compute(groups(2, 3, 4), PriorityMode.SCALED_BY_SUM, 1, 10)));
    }

    @Test
    void integrationFixtureResources() {
        // group1 = 40×1.2×60 + 40×1.5×240, group2 = 20×1.8×480 + 10×0.8×60, group3 = 80×1.0×300, group4 = 10×1.0×60
        Map<String, Double> r = groups(17280, 17760, 24000, 600, 0);
        assertEquals(List.of(47041L, 48348L, 65335L, 1634L, 1L),
                values(Priorities.compute(r, PriorityMode.FULL_SPREAD, 1, 65335)));
        assertEquals(List.of(18931L, 19457L, 26292L, 658L, 1L),
                values(Priorities.compute(r, PriorityMode.SCALED_BY_SUM, 1, 65335)));
    }

    @Test
    void exporterTestValues() {
        // atlsch 2×8 cores HEPSPEC 10, atljak 2×15 cores HEPSPEC 10, atlher 8+11 and atlhei 8+14 cores with the
        // score misnamed (factor 1.0), each 172 800 s: sum 86 572 800.
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("atlsch", 27_648_000.0);
        r.put("atljak", 51_840_000.0);
        r.put("atlher", 3_283_200.0);
        r.put("atlhei", 3_801_600.0);
        assertEquals(Map.of("atlsch", 20866L, "atljak", 39123L, "atlher", 2479L, "atlhei", 2870L),
                Priorities.compute(r, PriorityMode.SCALED_BY_SUM, 1, 65335).priorities());
    }

    @Test
    void degenerateCasesGetMinPriorityNotZero() {
        Priorities.Result one = Priorities.compute(groups(5), PriorityMode.FULL_SPREAD, 7, 100);
        assertTrue(one.degenerate());
        assertEquals(List.of(7L), values(one), "AUDITOR: 0/0 → 0; ours: min_priority");
        Priorities.Result zeros = Priorities.compute(groups(0, 0, 0), PriorityMode.SCALED_BY_SUM, 7, 100);
        assertTrue(zeros.degenerate());
        assertEquals(List.of(7L, 7L, 7L), values(zeros));
        Priorities.Result equal = Priorities.compute(groups(3, 3), PriorityMode.FULL_SPREAD, 7, 100);
        assertEquals(List.of(7L, 7L), values(equal));
        // not degenerate in ScaledBySum: a single group with resources gets the maximum, n equal groups share it
        Priorities.Result single = Priorities.compute(groups(5), PriorityMode.SCALED_BY_SUM, 7, 100);
        assertFalse(single.degenerate());
        assertEquals(List.of(100L), values(single));
        assertEquals(List.of(38L, 38L, 38L), values(Priorities.compute(groups(1, 1, 1), PriorityMode.SCALED_BY_SUM, 7, 100)));
    }

    @Test
    void roundsHalfAwayFromZeroLikeRust() {
        assertEquals(3, Priorities.roundHalfAwayFromZero(2.5));
        assertEquals(-3, Priorities.roundHalfAwayFromZero(-2.5));
        assertEquals(0, Priorities.roundHalfAwayFromZero(0.49999999999999994), "Math.round(x+0.5) would give 1");
        assertEquals(Long.MAX_VALUE, Priorities.roundHalfAwayFromZero(1e300), "saturating like `as i64`");
        assertEquals(0, Priorities.roundHalfAwayFromZero(Double.NaN));
    }
}
