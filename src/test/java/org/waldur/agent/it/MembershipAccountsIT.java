package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Waldur's project service accounts and course accounts as SLURM users of their project's allocations, against
 * the real SLURM: {@code sacctmgr show assoc} gains them and loses them when Waldur closes them.
 */
class MembershipAccountsIT extends ItSupport {

    private AgentProcess.Run once(Path config) throws Exception {
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
        System.out.println(run.output());
        return run;
    }

    /** The users of an account, as {@code sacctmgr show assoc} prints them. */
    private static Set<String> users(String account) {
        String out = RealSlurm.run(List.of("sacctmgr", "--parsable2", "--noheader", "show", "assoc", "where",
                "account=" + account, "cluster=" + RealSlurm.CLUSTER, "format=User"), null).out();
        Set<String> users = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                users.add(line.strip());
            }
        }
        return users;
    }

    @Test
    void serviceAndCourseAccountsJoinAndLeaveTheProjectsAllocations() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        String climate = waldur.addProject(customer, "Climate", "climate");
        String genomics = waldur.addProject(customer, "Genomics", "genomics");
        for (String a : List.of("ita_s1", "ita_s2", "ita_s3")) {
            RealSlurm.sacctmgr("add", "account", a, "parent=root", "cluster=" + RealSlurm.CLUSTER);
        }
        RealSlurm.sacctmgr("add", "user", "alice", "account=ita_s1", "cluster=" + RealSlurm.CLUSTER);
        waldur.addResource(offering, climate, "S1", "s1", "OK", "ita_s1", Map.of());
        waldur.addResource(offering, climate, "S2", "s2", "OK", "ita_s2", Map.of());
        waldur.addResource(offering, genomics, "S3", "s3", "OK", "ita_s3", Map.of());
        String alice = waldur.addUser("alice", "Alice");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        waldur.addTeamMember(climate, alice, "member");
        String ci = waldur.addServiceAccount(climate, "itsvc_ci");
        waldur.addCourseAccount(climate, "itstud_1");
        waldur.addServiceAccount(genomics, "itsvc_gen");

        assertEquals(0, once(config).rc());

        assertEquals(Set.of("alice", "itstud_1", "itsvc_ci"), users("ita_s1"));
        assertEquals(Set.of("alice", "itstud_1", "itsvc_ci"), users("ita_s2"));
        assertEquals(Set.of("itsvc_gen"), users("ita_s3"), "climate's accounts stay in climate");
        List<String> calls = RealSlurm.logLines(slurmLog);
        assertEquals(List.of("show", "load", "show"), calls.stream().map(MembershipAccountsIT::verb).toList(),
                "one read, one load for the five new associations of the three accounts, one verifying read: " + calls);
        assertEquals(1, waldur.count("GET", ".*/list_project_service_accounts/"));
        assertEquals(1, waldur.count("GET", ".*/list_course_accounts/"));

        waldur.setAccountState(ci, "Closed");
        Files.delete(slurmLog);
        assertEquals(0, once(config).rc());

        assertEquals(Set.of("alice", "itstud_1"), users("ita_s1"), "the closed service account is no SLURM user any more");
        assertEquals(Set.of("alice", "itstud_1"), users("ita_s2"));
        assertEquals(Set.of("itsvc_gen"), users("ita_s3"));

        Files.delete(slurmLog);
        assertEquals(0, once(config).rc());
        assertEquals(List.of("show"), RealSlurm.logLines(slurmLog).stream().map(MembershipAccountsIT::verb).toList(),
                "in sync: one read, no writes");
        waldur.assertNoViolations();
    }

    @Test
    void aCreateOrderAssociatesTheProjectsAccountsAtOnce() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        waldur.addServiceAccount(project, "itsvc_ci");
        waldur.addCourseAccount(project, "itstud_1");
        String resource = waldur.addResource(offering, project, "New", "sanew", "Creating", null, Map.of("gres/gpu", 2));
        String order = waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 2));

        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "order_process", "-c", config.toString());
        System.out.println(run.output());
        assertEquals(0, run.rc());

        assertEquals("done", waldur.order(order).get("state"));
        assertEquals(Set.of("itstud_1", "itsvc_ci"), users("ita_sanew"), "associated by the Create, no membership pass ran");
        waldur.assertNoViolations();
    }

    private static String verb(String call) {
        for (String w : List.of("show", "load", "remove", "add", "modify")) {
            if (call.startsWith("sacctmgr") && List.of(call.split(" ")).contains(w)) {
                return w;
            }
        }
        return call.split(" ")[0];
    }
}
