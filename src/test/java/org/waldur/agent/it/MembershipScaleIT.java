package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SLURM processes and wall time of membership_sync cycles for 10 and 100 resources with 5 team members each. */
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
}
