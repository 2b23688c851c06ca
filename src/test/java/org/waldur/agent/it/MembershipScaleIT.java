package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SLURM processes and wall time of membership_sync cycles: for 10 and 100 resources with 5 team members each, and
 * for 10 and 200 resources with stale members (StaleRemovalPlan, examples/slurm-sandbox/FINDINGS.md §2a).
 */
class MembershipScaleIT extends ItSupport {

    @Test
    void processesPerCycleFor10And100Resources() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        List<String> users = List.of("alice", "bob", "u3", "u4", "u5");
        List<String> userUuids = new ArrayList<>();
        for (String u : users) {
            String uuid = waldur.addUser(u, u);
            waldur.addOfferingUser(offering, uuid, u, "OK");
            userUuids.add(uuid);
        }
        StringBuilder figures = new StringBuilder("MEMBERSHIP FIGURES\n");
        int made = 0;
        for (int n : new int[]{10, 100}) {
            StringBuilder load = new StringBuilder("Cluster - 'sandbox'\nParent - 'root'\n");
            for (int i = made; i < made + n; i++) {
                String project = waldur.addProject(customer, "P" + i, "p" + i);
                userUuids.forEach(u -> waldur.addTeamMember(project, u, "member"));
                waldur.addResource(offering, project, "S" + i, "s" + i, "OK", "ita_s" + i, Map.of());
                load.append("Account - 'ita_s").append(i).append("':Description='s':Organization='ita_s").append(i).append("'\n");
            }
            made += n;
            assertEquals(0, RealSlurm.run(List.of("sacctmgr", "-i", "load", "file=/dev/stdin"), load.toString()).rc());
            for (String phase : List.of("first", "steady")) {
                Files.deleteIfExists(slurmLog);
                AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
                assertEquals(0, run.rc(), run.output());
                List<String> calls = RealSlurm.logLines(slurmLog);
                figures.append(String.format("%d resources x 5 users, %s cycle: %d SLURM processes (%d reads), agent run %.1f s%n",
                        made, phase, calls.size(), calls.stream().filter(c -> c.contains(" show ")).count(), run.millis() / 1000.0));
                if (phase.equals("first")) {
                    assertEquals(3, calls.size(), "one association read, one load with every new association, one read that verifies it\n"
                            + figures + String.join("\n", calls));
                } else {
                    assertEquals(1, calls.size(), "nothing to change: one association read for all accounts\n" + figures);
                }
            }
            Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
            for (int i = 0; i < made; i++) {
                assertEquals(5, slurm.get("ita_s" + i).users.size(), "ita_s" + i);
            }
        }
        System.out.print(figures);
        waldur.assertNoViolations();
    }

    /**
     * Each allocation keeps alice and loses two members: its own itmgone user, and itmzed, who leaves every
     * allocation (his DefaultAccount is the first one). Before the grouped removals this cost 1 + 1 + 2n processes.
     */
    @Test
    void staleMembersOf10And200ResourcesGoInAConstantNumberOfProcesses() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        String alice = waldur.addUser("alice", "alice");
        waldur.addOfferingUser(offering, alice, "alice", "OK");
        StringBuilder figures = new StringBuilder("MEMBERSHIP STALE-REMOVAL FIGURES\n");
        List<String> previous = new ArrayList<>();
        try {
            for (int n : new int[]{10, 200}) {
                previous.forEach(r -> waldur.setResourceState(r, "Terminated"));
                previous.clear();
                StringBuilder load = new StringBuilder("Cluster - 'sandbox'\nParent - 'root'\n");
                for (int i = 0; i < n; i++) {
                    load.append("Account - 'ita_x").append(n).append('_').append(i).append("':Description='s':Organization='ita'\n");
                }
                for (int i = 0; i < n; i++) {
                    String account = "ita_x" + n + "_" + i;
                    load.append("Parent - '").append(account).append("'\nUser - 'itmzed").append(n).append("'\nUser - 'alice'\n")
                            .append("User - 'itmgone").append(n).append('_').append(i).append("'\n");
                    String project = waldur.addProject(customer, "X" + n + "_" + i, "x" + n + "_" + i);
                    waldur.addTeamMember(project, alice, "member");
                    previous.add(waldur.addResource(offering, project, "X" + i, "x" + n + "_" + i, "OK", account, Map.of()));
                }
                RealSlurm.Result loaded = RealSlurm.run(List.of("sacctmgr", "-i", "load", "file=/dev/stdin"), load.toString());
                assertEquals(0, loaded.rc(), loaded.out());
                assertEquals("itmzed" + n + "|ita_x" + n + "_0", RealSlurm.sacctmgr("show", "user", "where", "name=itmzed" + n,
                        "format=User,DefaultAccount").strip(), "itmzed's default is his first allocation");

                Files.deleteIfExists(slurmLog);
                AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "membership_sync", "-c", config.toString());
                assertEquals(0, run.rc(), run.output());
                List<String> calls = RealSlurm.logLines(slurmLog);
                long removes = calls.stream().filter(c -> c.contains(" remove ")).count();
                figures.append(String.format("%d resources, %d stale associations: %d SLURM processes (%d removals), agent run %.1f s%n",
                        n, 2 * n, calls.size(), removes, run.millis() / 1000.0));
                Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
                for (int i = 0; i < n; i++) {
                    assertEquals(List.of("alice"), List.copyOf(slurm.get("ita_x" + n + "_" + i).users), "ita_x" + n + "_" + i);
                }
                assertTrue(calls.size() <= 8, "read, squeue, DefaultAccount read, a few removals\n" + figures + String.join("\n", calls));
                assertTrue(removes <= 3, "round 1: every non-default pair in one or two groups; round 2: itmzed's default\n"
                        + String.join("\n", calls));
            }
        } finally {
            System.out.print(figures);
        }
        waldur.assertNoViolations();
    }
}
