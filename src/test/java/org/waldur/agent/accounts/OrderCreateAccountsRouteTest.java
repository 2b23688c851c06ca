package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Create associates its project's service and course accounts in state OK with the new allocation, as the
 * reference does after a Create (processors.py, _post_process_order), with the team in the same load: a new
 * allocation does not wait for the next membership pass (in event mode, up to the reconciliation period).
 */
class OrderCreateAccountsRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");

    @Test
    void aCreateAssociatesTheProjectsOkAccountsInTheSameLoad() throws Exception {
        String other = waldur.addProject(customer, "Physics", "physics");
        member(project, "alice");
        waldur.addServiceAccount(project, "svc_ci");
        waldur.addCourseAccount(project, "stud1");
        waldur.setAccountState(waldur.addServiceAccount(project, "svc_old"), "Closed");
        waldur.addResource(offering, other, "Old", "old", "OK", "hpc_old", Map.of()); // so Physics' accounts are listed
        waldur.addServiceAccount(other, "svc_phys");
        String resource = waldur.addResource(offering, project, "GPU", "gpu", "Creating", null, Map.of("gres/gpu", 5));
        String order = waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 5));

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(Set.of("alice", "svc_ci", "stud1"), Set.copyOf(slurm.accounts.get("hpc_gpu").users),
                "the team and the OK accounts of this project; not the closed one, not Physics'");
        assertEquals(1, slurm.count("sacctmgr", "load"), "one load: accounts and associations");
        assertEquals(1, waldur.count("GET", ".*/list_project_service_accounts/"));
        assertEquals(1, waldur.count("GET", ".*/list_course_accounts/"));

        // a cycle without Create or Restore reads no account list
        waldur.clearRequests();
        String update = waldur.addOrder(offering, resource, "Update", "pending-provider", Map.of("gres/gpu", 6));
        cycle("order-process");
        assertEquals("done", waldur.order(update).get("state"));
        assertEquals(0, waldur.count("GET", ".*/list_project_service_accounts/") + waldur.count("GET", ".*/list_course_accounts/"));
        waldur.assertNoViolations();
    }
}
