package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.CapturedLog;
import org.waldur.agent.support.FakeSlurm;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report --from 2026-03 --to 2026-06} (what App's report subcommand sets): one sacct per month for all
 * accounts, each month filed under itself with the usual reconciliation, progress logged per month.
 */
class ReportBackfillMonthsRouteTest extends AgentRouteTestSupport {
    private static final String NOW = "2026-10-15T12:00:00Z";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.fixed-now", NOW, "agent.report.from", "2026-03", "agent.report.to", "2026-06");
    }

    @Test
    void everyMonthOfTheRangeIsReportedOnceFromOneSacctEach() throws Exception {
        waldur.setNow(Instant.parse(NOW));
        waldur.setStaff(true); // past months of usage components need a token Waldur lets backfill
        String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");
        String a = account("hpc_bf1", project);
        String b = account("hpc_bf2", project);
        // hpc_bf1: 1, 2, 3, 4 k-Hours in March..June; hpc_bf2 only in May
        for (int m = 3; m <= 6; m++) {
            String month = "2026-0" + m;
            slurm.sacctRows.put(month, m == 5 ? List.of("hpc_bf1|cpu=1000|0" + (m - 2) + ":00:00|alice", "hpc_bf2|cpu=1000|07:00:00|bob")
                    : List.of("hpc_bf1|cpu=1000|0" + (m - 2) + ":00:00|alice"));
        }

        try (CapturedLog log = CapturedLog.attach()) {
            cycle("report");
            for (String month : List.of("2026-03", "2026-04", "2026-05", "2026-06")) {
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("backfill " + month + ": sacct read")), () -> month + " " + log.lines());
            }
        }

        assertEquals(Map.of("2026-03-01", 1.0, "2026-04-01", 2.0, "2026-05-01", 3.0, "2026-06-01", 4.0), cpu(a));
        assertEquals(Map.of("2026-05-01", 7.0), cpu(b), "months without jobs: zero against nothing, not posted");
        assertEquals(4, slurm.count("sacct"), "one sacct per month for both accounts");
        assertTrue(waldur.componentUsages(a).stream().noneMatch(u -> "2026-10-01".equals(u.get("billing_period"))),
                "only the months asked for");

        long posts = waldur.count("POST", ".*/set_usage/");
        cycle("report");
        assertEquals(posts, waldur.count("POST", ".*/set_usage/"), "run again: everything already in Waldur");
        waldur.assertNoViolations();
    }

    private String account(String name, String project) {
        FakeSlurm.Acct acct = new FakeSlurm.Acct();
        acct.parent = "root";
        slurm.accounts.put(name, acct);
        return waldur.addResource(offering, project, name, name, "OK", name, Map.of());
    }

    private Map<String, Double> cpu(String resource) {
        Map<String, Double> out = new TreeMap<>();
        waldur.componentUsages(resource).stream().filter(u -> "cpu".equals(u.get("type")))
                .forEach(u -> out.put((String) u.get("billing_period"), ((Number) u.get("usage")).doubleValue()));
        return out;
    }
}
