package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Terminate reports the allocation's usage up to now before its account is removed: the report cycle covers
 * OK/Erred resources only, so whatever ran since its last cycle would otherwise never be billed.
 */
class TerminateFinalReportRouteTest extends AgentRouteTestSupport {
    private static final String NOW = "2026-10-15T12:00:00Z";
    private final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.fixed-now", NOW);
    }

    private String allocation() {
        waldur.setNow(Instant.parse(NOW));
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.add("alice");
        slurm.accounts.put("hpc_fin", a);
        return waldur.addResource(offering, project, "Fin", "fin", "OK", "hpc_fin", Map.of());
    }

    private double cpu(String resource, String period) {
        return waldur.componentUsages(resource).stream().filter(u -> period.equals(u.get("billing_period")) && "cpu".equals(u.get("type")))
                .mapToDouble(u -> ((Number) u.get("usage")).doubleValue()).findFirst().orElse(-1);
    }

    @Test
    void theUsageSinceTheLastReportIsBilledBeforeTheAccountGoesAndReplacesNotAdds() throws Exception {
        String alloc = allocation();
        slurm.sacctRows.put("2026-10", List.of("hpc_fin|cpu=1000|05:00:00|alice"));
        cycle("report");
        assertEquals(5.0, cpu(alloc, "2026-10-01"), 1e-9, "the last report cycle: 5000 cpu-hours");

        // a job ran on after that cycle; then the allocation is terminated
        slurm.sacctRows.put("2026-10", List.of("hpc_fin|cpu=1000|05:00:00|alice", "hpc_fin|cpu=1000|02:00:00|alice"));
        String terminate = waldur.addOrder(offering, alloc, "Terminate", "executing", Map.of());
        slurm.calls.clear();
        cycle("order-process");

        assertEquals("done", waldur.order(terminate).get("state"), () -> "" + waldur.order(terminate));
        assertFalse(slurm.accounts.containsKey("hpc_fin"));
        assertEquals(7.0, cpu(alloc, "2026-10-01"), 1e-9, "the month's total, replacing the 5 already there (not 12)");
        double alice = waldur.componentUserUsages(alloc).stream()
                .filter(u -> "alice".equals(u.get("username")) && "cpu".equals(u.get("component_type")) && "2026-10-01".equals(u.get("billing_period")))
                .mapToDouble(u -> ((Number) u.get("usage")).doubleValue()).findFirst().orElse(-1);
        assertEquals(7.0, alice, 1e-9, "and alice's share");
        int sacct = indexOf("sacct");
        int removal = indexOf("remove");
        assertTrue(sacct >= 0 && sacct < removal, () -> "sacct before the removal: " + slurm.calls);
        waldur.assertNoViolations();
    }

    @Test
    void aFinalReportThatFailsKeepsTheAccountUntilTheNextCycleReportsIt() throws Exception {
        String alloc = allocation();
        slurm.sacctRows.put("2026-10", List.of("hpc_fin|cpu=1000|03:00:00|alice"));
        String terminate = waldur.addOrder(offering, alloc, "Terminate", "executing", Map.of());
        waldur.failMatching("POST", ".*/set_usage/", 503, -1);

        cycle("order-process");

        assertEquals("executing", waldur.order(terminate).get("state"), "deferred, not erred: 503 is transient");
        assertTrue(slurm.accounts.containsKey("hpc_fin"), "the account stays until its usage is billed");

        waldur.clearFaults();
        cycle("order-process");
        assertEquals("done", waldur.order(terminate).get("state"));
        assertFalse(slurm.accounts.containsKey("hpc_fin"));
        assertEquals(3.0, cpu(alloc, "2026-10-01"), 1e-9);
        waldur.assertNoViolations();
    }

    private int indexOf(String word) {
        synchronized (slurm.calls) {
            for (int i = 0; i < slurm.calls.size(); i++) {
                if (slurm.calls.get(i).stream().anyMatch(a -> a.equals(word) || a.endsWith("/" + word))) {
                    return i;
                }
            }
        }
        return -1;
    }
}
