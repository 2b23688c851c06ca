package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A project moved to another customer in Waldur (a staff action; the fake's resources and orders then name the new
 * customer): membership_sync and order_process move its project account under the new customer's account, with
 * one load and one verifying read whatever the number of moved projects, and never touch the allocations, which
 * SLURM carries along (examples/slurm-sandbox/FINDINGS.md §24). The fake validates every request against the
 * Waldur 8.0.5 schema, the resource list's new {@code field=customer_slug…} included.
 */
class ProjectMoveRouteTest extends AgentRouteTestSupport {
    private final String oldCustomer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String newCustomer = waldur.addCustomer("Tallinn University", "tlu");

    private FakeSlurm.Acct account(String name, String parent, String... users) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = parent;
        a.org = name;
        a.descr = name + " description";
        a.users.addAll(List.of(users));
        slurm.accounts.put(name, a);
        return a;
    }

    /** n projects of the old customer, each with one OK allocation with alice, all moved to the new customer. */
    private List<String> movedProjects(int n) {
        account("hpc_uni-tartu", "root");
        List<String> projects = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String project = waldur.addProject(oldCustomer, "Project " + i, "p" + i);
            account("hpc_p" + i, "hpc_uni-tartu");
            account("hpc_r" + i, "hpc_p" + i, "alice").limits.put("cpu", "600");
            waldur.addResource(offering, project, "r" + i, "r" + i, "OK", "hpc_r" + i, Map.of());
            member(project, "alice");
            waldur.moveProject(project, newCustomer);
            projects.add(project);
        }
        return projects;
    }

    @Test
    void membershipSyncMovesTheProjectOnceUnderTheNewCustomerCreatedForIt() throws Exception {
        movedProjects(1);

        cycle("membership-sync");

        assertEquals("hpc_tlu", slurm.accounts.get("hpc_p0").parent, "the project hangs under the new customer");
        assertEquals("root", slurm.accounts.get("hpc_tlu").parent, "the missing customer account was created");
        assertEquals("hpc_p0", slurm.accounts.get("hpc_r0").parent, "the allocation stays under its project");
        assertEquals(Set.of("alice"), slurm.accounts.get("hpc_r0").users);
        assertEquals("600", slurm.accounts.get("hpc_r0").limits.get("cpu"));
        assertEquals("hpc_p0 description", slurm.accounts.get("hpc_p0").descr, "a bare line keeps the description");
        assertEquals(List.of("""
                Cluster - 'sandbox'
                Parent - 'root'
                Account - 'hpc_tlu':Description='Tallinn University':Organization='hpc_tlu'
                """, """
                Cluster - 'sandbox'
                Parent - 'hpc_tlu'
                Account - 'hpc_p0'
                """), slurm.loads, "the new customer, then the move; no allocation line");
        assertEquals(4, slurm.calls.size(), "association read + customer load + moves' load + verifying read: " + slurm.calls);
        assertEquals(2, slurm.count("sacctmgr", "show"));
        waldur.assertNoViolations();

        slurm.calls.clear();
        slurm.loads.clear();
        cycle("membership-sync");
        assertEquals(1, slurm.calls.size(), "idempotent: the next cycle only reads " + slurm.calls);
        assertEquals(List.of(), slurm.loads);
    }

    @Test
    void movingTenProjectsCostsWhatMovingOneCosts() throws Exception {
        movedProjects(10);

        cycle("membership-sync");

        for (int i = 0; i < 10; i++) {
            assertEquals("hpc_tlu", slurm.accounts.get("hpc_p" + i).parent);
            assertEquals("hpc_p" + i, slurm.accounts.get("hpc_r" + i).parent);
        }
        assertEquals(4, slurm.calls.size(), "constant: 1 read, 2 loads, 1 verifying read for 10 moves " + slurm.calls);
        waldur.assertNoViolations();
    }

    @Test
    void aRefusedBatchFallsBackToOneLoadPerMoveAndOnlyTheBadOneStays() throws Exception {
        movedProjects(3);
        slurm.failLoadWhen(file -> file.contains("'hpc_p1'"));

        cycle("membership-sync");

        assertEquals("hpc_tlu", slurm.accounts.get("hpc_p0").parent);
        assertEquals("hpc_uni-tartu", slurm.accounts.get("hpc_p1").parent, "refused: tried again next cycle");
        assertEquals("hpc_tlu", slurm.accounts.get("hpc_p2").parent);
        assertEquals(5, slurm.loads.size(), "the customer, the batch, then one load per move");
        waldur.assertNoViolations();
    }

    @Test
    void orderProcessMovesTheProjectOfACreateAndTheNewAllocationLandsBelowIt() throws Exception {
        List<String> projects = movedProjects(1);
        String resource = waldur.addResource(offering, projects.get(0), "New", "new", "Creating", null, Map.of("cpu", 1));
        String order = waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("cpu", 1));

        cycle("order-process");

        assertEquals("done", waldur.order(order).get("state"), () -> "" + waldur.order(order));
        assertEquals("hpc_tlu", slurm.accounts.get("hpc_p0").parent);
        assertEquals("hpc_p0", slurm.accounts.get("hpc_new").parent);
        assertEquals("hpc_p0", slurm.accounts.get("hpc_r0").parent, "the existing allocation moved with its project");
        assertEquals(3, slurm.loads.size(), "the customer, the move, then the Create's: " + slurm.loads);
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_tlu'\nAccount - 'hpc_p0'\n", slurm.loads.get(1));
        // 3 snapshot reads + customer load, moves' load and verifying read + the Create's load and verifying read
        assertEquals(8, slurm.total(), "calls: " + slurm.calls);
        waldur.assertNoViolations();
    }
}
