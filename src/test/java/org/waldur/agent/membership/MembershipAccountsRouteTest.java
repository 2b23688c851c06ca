package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Service and course accounts through membership_sync against the OpenAPI-validating fake Waldur: they become SLURM
 * users of their project's allocations in the same writes as the team, read with one list of each kind per cycle.
 */
class MembershipAccountsRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.membership-sync.job-wait-ms", "10", "agent.membership-sync.job-wait-polls", "3");
    }

    private String allocation(String project, String slug, String... users) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, Map.of());
    }

    private Set<String> users(String account) {
        return new LinkedHashSet<>(slurm.accounts.get(account).users);
    }

    private long accountLists() {
        return waldur.count("GET", ".*/list_project_service_accounts/") + waldur.count("GET", ".*/list_course_accounts/");
    }

    @Test
    void accountsJoinAndLeaveTheirProjectsAllocations() throws Exception {
        String p1 = waldur.addProject(customer, "p1", "p1");
        String p2 = waldur.addProject(customer, "p2", "p2");
        member(p1, "alice");
        allocation(p1, "r1", "alice", "svc_gone");
        allocation(p1, "r2");
        allocation(p2, "r3");
        String ci = waldur.addServiceAccount(p1, "svc_ci");
        waldur.addCourseAccount(p1, "stud1");
        waldur.setAccountState(waldur.addServiceAccount(p1, "svc_gone"), "Closed");
        waldur.addServiceAccount(p2, "svc_two");
        waldur.addServiceAccount(p2, "bad;name"); // OK in Waldur, never reaches a command

        cycle("membership-sync");

        assertEquals(Set.of("alice", "svc_ci", "stud1"), users("hpc_r1"), "svc_gone's account is Closed: removed");
        assertEquals(Set.of("alice", "svc_ci", "stud1"), users("hpc_r2"));
        assertEquals(Set.of("svc_two"), users("hpc_r3"), "p1's team and accounts stay in p1");
        assertEquals(1, waldur.count("GET", ".*/list_project_service_accounts/"), "one list for the offering's three resources");
        assertEquals(1, waldur.count("GET", ".*/list_course_accounts/"));
        // by hand (membership-sync.camel.yaml's cost): 1 read, 1 squeue for the stale user's jobs, 1 removal,
        // 1 load with the 5 new associations of the three accounts, 1 verifying read
        assertEquals(List.of("show", "squeue", "remove", "load", "show"), verbs(), "the accounts cost no SLURM process of their own");
        assertEquals(0, waldur.count("POST", ".*/set_as_erred/"));

        waldur.setAccountState(ci, "Closed");
        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(Set.of("alice", "stud1"), users("hpc_r1"));
        assertEquals(Set.of("alice", "stud1"), users("hpc_r2"));
        assertEquals(3, slurm.count("sacctmgr", "show"), "the read, one show user (svc_ci loses several associations), the verifying read");
        assertEquals(2, slurm.count("sacctmgr", "remove"), "as for a member (StaleRemovalPlan): the association that is not "
                + "svc_ci's default, then the default one");

        slurm.calls.clear();
        waldur.clearRequests();
        cycle("membership-sync");
        assertEquals(List.of("show"), verbs(), "in sync: one read, no writes");
        assertEquals(2, accountLists());
        waldur.assertNoViolations();
    }

    @Test
    void accountsCostTheSameSlurmProcessesAsTeamMembers() throws Exception {
        // the same change twice: first by team members, then by accounts (the first project stays in sync)
        String team = waldur.addProject(customer, "team", "team");
        member(team, "alice");
        member(team, "bob");
        allocation(team, "t1", "zed");
        allocation(team, "t2");
        cycle("membership-sync");
        long byTeam = slurm.total();

        String accounts = waldur.addProject(customer, "accts", "accts");
        allocation(accounts, "a1", "zed2");
        allocation(accounts, "a2");
        waldur.addServiceAccount(accounts, "svc_a");
        waldur.addCourseAccount(accounts, "stud_b");
        slurm.calls.clear();
        cycle("membership-sync");

        assertEquals(Set.of("svc_a", "stud_b"), users("hpc_a1"));
        assertEquals(Set.of("svc_a", "stud_b"), users("hpc_a2"));
        assertEquals(Set.of("alice", "bob"), users("hpc_t1"));
        assertEquals(byTeam, slurm.total(), "same SLURM processes for the accounts as for the team");
        assertEquals(5, byTeam, "read, squeue, remove, load, verifying read");
        waldur.assertNoViolations();
    }

    @Test
    void manyProjectsStillOneListOfEachKindPerCycle() throws Exception {
        for (int i = 0; i < 30; i++) {
            String p = waldur.addProject(customer, "p" + i, "p" + i);
            allocation(p, "r" + i);
            waldur.addServiceAccount(p, "svc" + i);
            waldur.addServiceAccount(p, "bot" + i);
            waldur.addCourseAccount(p, "stud" + i);
        }
        waldur.clearRequests();
        cycle("membership-sync");

        assertEquals(Set.of("svc7", "bot7", "stud7"), users("hpc_r7"));
        assertEquals(Set.of("svc29", "bot29", "stud29"), users("hpc_r29"));
        assertEquals(1, waldur.count("GET", ".*/list_project_service_accounts/"), "60 service accounts: one page of 100");
        assertEquals(1, waldur.count("GET", ".*/list_course_accounts/"));
        assertEquals(1, slurm.count("sacctmgr", "load"), "90 associations in one load");
        waldur.assertNoViolations();
    }

    private List<String> verbs() {
        synchronized (slurm.calls) {
            return slurm.calls.stream().map(c -> c.get(0).endsWith("sacctmgr") ? c.stream()
                    .filter(a -> List.of("show", "load", "remove", "add", "modify").contains(a)).findFirst().orElse("?")
                    : c.get(0).substring(c.get(0).lastIndexOf('/') + 1)).toList();
        }
    }
}
