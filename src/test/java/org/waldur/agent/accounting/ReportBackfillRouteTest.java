package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.time.YearMonth;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waldur refuses last month's usage from a non-staff token; the agent skips it calmly. */
class ReportBackfillRouteTest extends AgentRouteTestSupport {
    private static final String NOW = "2026-10-15T12:00:00Z";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.fixed-now", NOW);
    }

    @Test
    void aPastMonthRefusedForBackfillingIsSkippedAndTheCurrentMonthStillReported() throws Exception {
        String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_alloc1", a);
        String alloc = waldur.addResource(offering, project, "hpc_alloc1", "hpc_alloc1", "OK", "hpc_alloc1", Map.of());
        waldur.setNow(Instant.parse(NOW));
        YearMonth now = YearMonth.of(2026, 10);
        slurm.sacctRows.put(now.minusMonths(1).toString(), List.of("hpc_alloc1|cpu=1000|01:00:00|alice"));
        slurm.sacctRows.put(now.toString(), List.of("hpc_alloc1|cpu=1000|02:00:00|alice"));
        waldur.setRejectBackfill(true);

        cycle("report");

        List<Map<String, Object>> rows = waldur.componentUsages(alloc);
        assertTrue(rows.stream().noneMatch(u -> (now.minusMonths(1) + "-01").equals(u.get("billing_period"))), "last month was refused");
        double cpu = rows.stream().filter(u -> (now + "-01").equals(u.get("billing_period")) && "cpu".equals(u.get("type")))
                .mapToDouble(u -> ((Number) u.get("usage")).doubleValue()).findFirst().orElse(-1);
        assertEquals(2.0, cpu, 1e-9, "2000 cpu-hours = 2 k-Hours this month");
        waldur.assertNoViolations();
    }
}
