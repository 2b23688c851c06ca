package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code service_accounts_sync_enabled: false}: no account list is read, and accounts are not members. */
class MembershipAccountsDisabledRouteTest extends AgentRouteTestSupport {
    @Override
    protected String offeringKeys() {
        return "    service_accounts_sync_enabled: false\n";
    }

    @Test
    void accountsAreNeitherReadNorAdded() throws Exception {
        String p = waldur.addProject(waldur.addCustomer("Uni", "uni"), "p", "p");
        member(p, "alice");
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_r", a);
        waldur.addResource(offering, p, "r", "r", "OK", "hpc_r", Map.of());
        waldur.addServiceAccount(p, "svc_ci");

        cycle("membership-sync");

        assertEquals(Set.of("alice"), Set.copyOf(slurm.accounts.get("hpc_r").users));
        assertEquals(0, waldur.count("GET", ".*/list_project_service_accounts/"));
        assertEquals(0, waldur.count("GET", ".*/list_course_accounts/"));
        waldur.assertNoViolations();
    }
}
