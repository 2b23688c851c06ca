package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ComponentConfig;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Prepaid budgets: GrpTRESMins = monthly limit × months × unit_factor. The cases are the reference agent's
 * worked examples (plugins/slurm/tests/test_prepaid_limits.py in waldur-site-agent), checked by hand.
 */
class PrepaidTermTest {
    private static ComponentConfig component(String type, String accounting, int unitFactor) {
        return new ComponentConfig(type, type, "units", accounting, BigDecimal.valueOf(unitFactor), null, null);
    }

    private static int months(String created, String end) {
        return PrepaidTerm.months(LocalDate.parse(created), LocalDate.parse(end));
    }

    @Test
    void monthsBetweenCreatedAndEndDate() {
        assertEquals(5, months("2026-01-15", "2026-06-15"), "exact months");
        assertEquals(4, months("2026-01-10", "2026-04-20"), "3 months, and the 20th lies past the 10th: a 4th");
        assertEquals(1, months("2026-03-01", "2026-03-15"), "within one month");
        assertEquals(1, months("2026-03-20", "2026-03-10"), "an end before the start still buys one month");
        assertEquals(12, months("2026-01-01", "2027-01-01"), "a year");
    }

    @Test
    void createdIsReadAsTheDateWaldurWrote() {
        assertEquals(5, PrepaidTerm.months("2026-01-01T09:30:00.123456Z", "2026-06-01"));
        assertEquals(5, PrepaidTerm.months("2026-01-15T23:30:00+02:00", "2026-06-15"));
        assertNull(PrepaidTerm.months("2026-01-01T00:00:00Z", null), "no end date: no term");
        assertNull(PrepaidTerm.months(null, "2026-06-01"));
    }

    @Test
    void prepaidLimitIsMultipliedByTheTerm() {
        TresConverter cores = new TresConverter(Map.of("cpu", component("cpu", "one", 1)));
        // 6 cores × 1 × 5 months
        assertEquals(Map.of("cpu", 30L), cores.toSlurm(Map.of("cpu", 6), PrepaidTerm.months("2026-01-01T00:00:00Z", "2026-06-01")));
        TresConverter hours = new TresConverter(Map.of("node_hours", component("node_hours", "one", 60)));
        // 6 hours × 60 minutes × 5 months
        assertEquals(Map.of("node_hours", 1800L), hours.toSlurm(Map.of("node_hours", 6), 5));
    }

    @Test
    void onlyPrepaidComponentsAreMultiplied() {
        TresConverter mixed = new TresConverter(Map.of("cpu", component("cpu", "one", 1), "gpu", component("gpu", "limit", 1)));
        assertEquals(Map.of("gpu", 4L), mixed.toSlurm(Map.of("gpu", 4), 5), "a limit component is a budget already");
        // 10 × 3 months for cpu; gpu unchanged
        assertEquals(Map.of("cpu", 30L, "gpu", 4L), mixed.toSlurm(Map.of("cpu", 10, "gpu", 4), months("2026-01-01", "2026-04-01")));
    }

    @Test
    void withoutAnEndDateTheBudgetIsOneMonth() {
        TresConverter cores = new TresConverter(Map.of("cpu", component("cpu", "one", 1)));
        assertEquals(Map.of("cpu", 6L), cores.toSlurm(Map.of("cpu", 6), PrepaidTerm.months("2026-01-01T00:00:00Z", "")));
    }

    @Test
    void aTermBudgetIsNotReadBackAsAMonthlyLimit() {
        TresConverter mixed = new TresConverter(Map.of("cpu", component("cpu", "one", 1), "gpu", component("gpu", "limit", 1)));
        assertEquals(Map.of("gpu", 4L), mixed.fromSlurm("cpu=30,gpu=4"), "30 is five months of 6: not a limit of 30");
    }
}
