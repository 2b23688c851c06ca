package org.waldur.agent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.support.ConfigYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A project moved to another customer in Waldur, against the real SLURM: membership_sync moves the project account
 * under the new customer's account (created for it), the allocation stays under the project with its user, limit
 * and fairshare, and the next cycle writes nothing; order_process moves it back when an order of the project
 * arrives after a second move. Account names {@code i11p*_} belong to this suite only.
 */
class ProjectMoveIT extends ItSupport {
    private static final String[] OWN = {"i11pa_", "i11pp_", "i11pc_"};

    private Path ownConfig() throws Exception {
        String settings = """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "i11pc_"
                  project_prefix: "i11pp_"
                  allocation_prefix: "i11pa_"
                  cluster_name: "sandbox"
                  slurm_bin_path: "%s"
                  enable_user_homedir_account_creation: false
            """.formatted(countingBin(null));
        Path f = work.resolve("config.yaml");
        Files.writeString(f, "waldur_timezone: \"UTC\"\n" + ConfigYaml.of(waldur.apiUrl(), TOKEN, offering, settings, COMPONENTS));
        return f;
    }

    @AfterEach
    void removeOwn() {
        RealSlurm.removeAccounts(OWN);
    }

    private AgentProcess.Run once(String mode, Path config) throws Exception {
        Files.deleteIfExists(slurmLog);
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", mode, "-c", config.toString());
        System.out.println(run.output());
        return run;
    }

    private static RealSlurm.Assoc assoc(String account) {
        return RealSlurm.associations().get(account);
    }

    @Test
    void aMovedProjectFollowsItsCustomerWithItsAllocationUsersAndLimits() throws Exception {
        RealSlurm.removeAccounts(OWN);
        String c = "cluster=" + RealSlurm.CLUSTER;
        RealSlurm.sacctmgr("add", "account", "i11pc_old", "parent=root", c);
        RealSlurm.sacctmgr("add", "account", "i11pp_clim", "parent=i11pc_old", "description=Climate", "organization=i11pp_clim", "GrpTRESMins=cpu=5000", c);
        RealSlurm.sacctmgr("add", "account", "i11pa_r1", "parent=i11pp_clim", "GrpTRESMins=cpu=1000", "fairshare=7", c);
        RealSlurm.sacctmgr("add", "user", "alice", "account=i11pa_r1", c);
        String oldCustomer = waldur.addCustomer("Old University", "old");
        String newCustomer = waldur.addCustomer("New University", "new");
        String clim = waldur.addProject(oldCustomer, "Climate", "clim");
        waldur.addResource(offering, clim, "R1", "r1", "OK", "i11pa_r1", Map.of());
        member(clim, "alice");
        waldur.moveProject(clim, newCustomer);
        Path config = ownConfig();

        assertEquals(0, once("membership_sync", config).rc());

        assertEquals("i11pc_new", assoc("i11pp_clim").parent, "the project hangs under the new customer");
        assertEquals("root", assoc("i11pc_new").parent, "the new customer's account was created");
        assertEquals("i11pp_clim", assoc("i11pa_r1").parent, "the allocation stayed under its project");
        assertEquals(List.of("alice"), assoc("i11pa_r1").users);
        assertEquals("cpu=1000", assoc("i11pa_r1").limits);
        assertEquals("cpu=5000", assoc("i11pp_clim").limits);
        assertEquals("7", RealSlurm.sacctmgr("show", "association", "where", "account=i11pa_r1", "format=User,Fairshare")
                .lines().filter(l -> l.startsWith("|")).findFirst().orElse("").substring(1));
        assertEquals("i11pp_clim|climate|i11pp_clim", RealSlurm.sacctmgr("list", "account", "where", "name=i11pp_clim",
                "format=Account,Description,Organization").strip(), "a bare load line keeps description and organization");
        List<String> calls = RealSlurm.logLines(slurmLog);
        assertEquals(4, calls.size(), "association read, the new customer's load, the moves' load, the verifying read: " + calls);

        assertEquals(0, once("membership_sync", config).rc());
        assertEquals(1, RealSlurm.logLines(slurmLog).size(), "idempotent: one read, no write " + RealSlurm.logLines(slurmLog));

        // moved back; an order of the project arrives: order_process moves the project before adding the allocation
        waldur.moveProject(clim, oldCustomer);
        String order = order(clim, "R2", "r2");
        assertEquals(0, once("order_process", config).rc());
        assertEquals("done", waldur.order(order).get("state"));
        assertEquals("i11pc_old", assoc("i11pp_clim").parent);
        assertEquals("i11pp_clim", assoc("i11pa_r2").parent);
        assertEquals("i11pp_clim", assoc("i11pa_r1").parent);
        assertEquals(List.of("alice"), assoc("i11pa_r2").users);
        waldur.assertNoViolations();
    }
}
