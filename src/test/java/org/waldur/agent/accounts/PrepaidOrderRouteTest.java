package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A prepaid GPU component ({@code accounting_type: one}, GPU-hours, unit_factor 60): SLURM's GrpTRESMins is the
 * whole term's budget, limit × months × 60, and a renewal (an Update with a new end date) recomputes it.
 */
class PrepaidOrderRouteTest extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");

    @Override
    protected String backendComponents() {
        return """
                  cpu: {limit: 10, measured_unit: "k-Hours", unit_factor: 60000, accounting_type: "usage", label: "CPU"}
                  gres/gpu: {measured_unit: "GPU-hours", unit_factor: 60, accounting_type: "one", label: "GPU"}
            """;
    }

    @Test
    void createBudgetsTheWholeTermAndARenewalExtendsIt() throws Exception {
        String resource = waldur.addResource(offering, project, "Prepaid", "prepaid", "Creating", null, Map.of("gres/gpu", 10));
        // 15 January to 15 July: 6 whole months
        waldur.setResourceTerm(resource, Instant.parse("2026-01-15T09:00:00Z"), "2026-07-15");
        String create = waldur.addOrder(offering, resource, "Create", "executing", Map.of("gres/gpu", 10));

        cycle("order-process");

        assertEquals("done", waldur.order(create).get("state"), () -> "" + waldur.order(create));
        // 10 GPU-hours a month × 60 minutes × 6 months; cpu is a usage component: its configured limit only
        assertEquals(Map.of("cpu", "600000", "gres/gpu", "3600"), slurm.accounts.get("hpc_prepaid").limits);

        // renewed to 15 January 2027 with the same monthly limit: 12 months from creation
        String renewal = waldur.addRenewal(offering, resource, "2027-01-15", null);
        cycle("order-process");

        assertEquals("done", waldur.order(renewal).get("state"), () -> "" + waldur.order(renewal));
        assertEquals("7200", slurm.accounts.get("hpc_prepaid").limits.get("gres/gpu"));
        assertEquals("2027-01-15", waldur.resource(resource).get("end_date"));

        // renewed again with more GPU time a month: 20 × 60 × 18 months (to 15 July 2027)
        String upgrade = waldur.addRenewal(offering, resource, "2027-07-15", Map.of("gres/gpu", 20));
        cycle("order-process");
        assertEquals("done", waldur.order(upgrade).get("state"));
        assertEquals("21600", slurm.accounts.get("hpc_prepaid").limits.get("gres/gpu"));
        waldur.assertNoViolations();
    }
}
