package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.slurm.SlurmResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** order_process against the real SLURM of examples/slurm-sandbox, checked with sacctmgr/sacct. */
class OrderProcessIT extends ItSupport {

    private AgentProcess.Run once(Path config) throws Exception {
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "order_process", "-c", config.toString());
        System.out.println(run.output());
        return run;
    }

    @Test
    void createUpdateTerminateRestoreLeaveExactlyTheExpectedAccounts() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        String project = waldur.addProject(customer, "Climate", "climate");
        member(project, "alice");
        member(project, "bob");
        // a user new to SLURM: their first association, ita_alpha, becomes their DefaultAccount, which SLURM
        // protects from removal — Terminate must still remove it
        String fresh = "itu" + Long.toString(System.currentTimeMillis(), 36);
        member(project, fresh);
        String alpha = order(project, "Alpha", "alpha");
        String beta = order(project, "Beta", "beta");

        assertEquals(0, once(config).rc());
        assertEquals("done", waldur.order(alpha).get("state"));
        assertEquals("done", waldur.order(beta).get("state"));
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        assertEquals("root", slurm.get("itc_uni").parent);
        assertEquals("itc_uni", slurm.get("itp_climate").parent);
        assertEquals("itp_climate", slurm.get("ita_alpha").parent);
        assertEquals(Map.of("cpu", 600000L, "mem", 614400L, "gres/gpu", 120L), limits(slurm.get("ita_alpha").limits));
        assertEquals(Set.of("alice", "bob", fresh), new TreeSet<>(slurm.get("ita_alpha").users));
        assertEquals("ita_alpha", waldur.resource(resourceOf(alpha)).get("backend_id"));
        assertEquals(fresh + "|ita_alpha", RealSlurm.sacctmgr("show", "user", fresh, "format=User,DefaultAccount").strip());

        String update = waldur.addOrder(offering, resourceOf(alpha), "Update", "executing", Map.of("cpu", 20, "gres/gpu", 3));
        assertEquals(0, once(config).rc());
        assertEquals("done", waldur.order(update).get("state"));
        assertEquals(Map.of("cpu", 1200000L, "mem", 614400L, "gres/gpu", 180L), limits(RealSlurm.associations().get("ita_alpha").limits));

        String terminateAlpha = waldur.addOrder(offering, resourceOf(alpha), "Terminate", "executing", Map.of());
        assertEquals(0, once(config).rc());
        assertEquals("done", waldur.order(terminateAlpha).get("state"), () -> "" + waldur.order(terminateAlpha));
        slurm = RealSlurm.associations();
        assertFalse(slurm.containsKey("ita_alpha"));
        assertTrue(slurm.containsKey("itp_climate"), "beta still hangs below the project");

        waldur.addOrder(offering, resourceOf(beta), "Terminate", "executing", Map.of());
        assertEquals(0, once(config).rc());
        slurm = RealSlurm.associations();
        assertFalse(slurm.containsKey("ita_beta"));
        assertFalse(slurm.containsKey("itp_climate"), "the project's last allocation is gone");
        assertTrue(slurm.containsKey("itc_uni"), "customer accounts are never removed");

        // Restore: the resource keeps its backend_id; the account comes back under the same name
        waldur.setResourceState(resourceOf(alpha), "OK");
        String restore = waldur.addOrder(offering, resourceOf(alpha), "Restore", "executing", Map.of());
        assertEquals(0, once(config).rc());
        assertEquals("done", waldur.order(restore).get("state"));
        slurm = RealSlurm.associations();
        assertEquals("itp_climate", slurm.get("ita_alpha").parent);
        assertEquals(Set.of("alice", "bob", fresh), new TreeSet<>(slurm.get("ita_alpha").users));
        waldur.assertNoViolations();
    }

    @Test
    void slurmProcessesPerCycleDoNotGrowWithTheNumberOfOrders() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String customer = waldur.addCustomer("University", "uni");
        StringBuilder report = new StringBuilder();
        List<Integer> processes = new ArrayList<>();
        for (int n : new int[]{1, 10, 100}) {
            String project = waldur.addProject(customer, "Project " + n, "proj-" + n);
            member(project, "alice");
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                orders.add(order(project, "Alloc " + n + "-" + i, "b" + n + "-" + i));
            }
            Files.deleteIfExists(slurmLog);
            AgentProcess.Run run = once(config);
            assertEquals(0, run.rc());
            for (String o : orders) {
                assertEquals("done", waldur.order(o).get("state"));
            }
            List<String> calls = RealSlurm.logLines(slurmLog);
            processes.add(calls.size());
            report.append(String.format("%d orders: %d SLURM processes (%s), agent run %.1f s%n", n, calls.size(),
                    summary(calls), run.millis() / 1000.0));
        }
        System.out.print("BATCH FIGURES\n" + report);
        assertEquals(processes.get(0), processes.get(2), "100 orders cost the same SLURM processes as 1:\n" + report);
        assertEquals(111 + 3 + 1, RealSlurm.associations().keySet().stream().filter(a -> a.matches("it[apc]_.*")).count(),
                "111 allocations, 3 projects, 1 customer");
        waldur.assertNoViolations();
    }

    @Test
    void aBatchWithOneBadMemberStillFinishesTheGoodOnes() throws Exception {
        // the wrapper fails any load that contains ita_bad, as a broken line would: the batch fails, then each
        // order is applied alone against the real sacctmgr
        Path config = config(countingBin("ita_bad").toString(), "");
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        String good1 = order(project, "Good 1", "good1");
        String bad = order(project, "Bad", "bad");
        String good2 = order(project, "Good 2", "good2");

        assertEquals(1, once(config).rc(), "--once exits non-zero when an item failed");

        assertEquals("done", waldur.order(good1).get("state"));
        assertEquals("done", waldur.order(good2).get("state"));
        assertEquals("erred", waldur.order(bad).get("state"));
        assertTrue(String.valueOf(waldur.order(bad).get("error_message")).contains("injected bad line"));
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        assertTrue(slurm.containsKey("ita_good1") && slurm.containsKey("ita_good2"));
        assertFalse(slurm.containsKey("ita_bad"));
    }

    @Test
    void killedMidBurstAndRestartedEndsWithEveryOrderDoneAndNoDuplicateOrOrphan() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        member(project, "alice");
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            orders.add(order(project, "Burst " + i, "burst-" + i));
        }
        Path log = work.resolve("killed.log");
        Process agent = AgentProcess.builder(log, Map.of(), "--once", "-m", "order_process", "-c", config.toString()).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (waldur.count("POST", ".*/set_backend_id/") < 20 && System.currentTimeMillis() < deadline && agent.isAlive()) {
            Thread.sleep(5);
        }
        agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL, mid-burst
        long namedBeforeKill = waldur.count("POST", ".*/set_backend_id/");
        assertTrue(namedBeforeKill >= 20 && namedBeforeKill < 40, "killed in the middle: " + namedBeforeKill + " named");

        assertEquals(0, once(config).rc());

        Set<String> backendIds = new TreeSet<>();
        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"), o);
            backendIds.add((String) waldur.resource(resourceOf(o)).get("backend_id"));
        }
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        Set<String> allocations = new TreeSet<>(slurm.keySet().stream().filter(a -> a.startsWith("ita_")).toList());
        assertEquals(40, backendIds.size(), "no two resources share an account");
        assertEquals(backendIds, allocations, "every allocation account belongs to a resource: no orphan, no duplicate");
        for (String a : allocations) {
            assertEquals(List.of("alice"), slurm.get(a).users, a);
        }
    }

    @Test
    void exitCodesOfTheRealBinariesAreClassifiedAsTheAgentExpects() {
        RealSlurm.require();
        SlurmCommands c = new SlurmCommands(new SlurmSettings("root", "common", "root", "", "", "", null, "sandbox", "/usr/bin",
                List.of(), null, false, "normal", null, null, false, "0077", null, false, 1, false, false, 34,
                SlurmSettings.UsageBasis.REQUESTED));
        assertEquals(SlurmResult.Status.OK, exec(c.addAccount("ita_codes", "Exit codes", "ita_codes", "root", Map.of())).status());
        SlurmResult again = exec(c.addAccount("ita_codes", "Exit codes", "ita_codes", "root", Map.of()));
        assertEquals(SlurmResult.Status.ALREADY, again.status(), "Nothing new added: " + again);
        SlurmResult modifyMissing = exec(c.setLimits("ita_nosuch", Map.of("cpu", 5L)));
        assertEquals(SlurmResult.Status.ALREADY, modifyMissing.status(),
                "Nothing modified, rc 1 — also for a missing account, which is why existence comes from the snapshot");
        assertEquals(SlurmResult.Status.OK, exec(c.removeAccounts(List.of("ita_codes"))).status());
        assertEquals(SlurmResult.Status.ALREADY, exec(c.removeAccounts(List.of("ita_codes"))).status(), "Nothing deleted");
        SlurmResult show = exec(c.associations(List.of("ita_nosuch")));
        assertEquals(0, show.exitCode());
        assertEquals("", show.stdout().strip(), "a missing account shows as empty output with rc 0");
        for (String bad : List.of("ita bad", "ita_a,root", "ita;rm -rf", "$(id)")) {
            assertThrows(SlurmNames.UnsafeNameException.class, () -> c.addAccount(bad, "x", "root", "root", Map.of()));
        }
        assertFalse(RealSlurm.associations().containsKey("ita"), "nothing of the unsafe names reached SLURM");
    }

    /** "sacctmgr list", "sacctmgr show", "sacctmgr load" … per call. */
    static List<String> summary(List<String> calls) {
        List<String> out = new ArrayList<>();
        for (String c : calls) {
            String[] w = c.split(" ");
            String verb = java.util.Arrays.stream(w).skip(1).filter(x -> !x.startsWith("-")).findFirst().orElse("");
            out.add(w[0] + (w[0].equals("sacctmgr") ? " " + verb : ""));
        }
        return out;
    }

    private static SlurmResult exec(SlurmCommand cmd) {
        RealSlurm.Result r = RealSlurm.run(cmd.argv(), cmd.stdin());
        return SlurmResult.of(r.rc(), r.out(), "");
    }

    @Test
    void dockerDeploymentRunsEverySlurmCommandThroughDockerExec() throws Exception {
        Path bin = Files.createDirectories(work.resolve("docker-bin"));
        Path dockerLog = work.resolve("docker.log");
        Path docker = bin.resolve("docker");
        // stand-in: record argv, drop "exec [-i] <container>", run the rest locally — and, as Docker does, give
        // the command an empty stdin unless -i asks to pass it on (sacctmgr load reads its file from stdin)
        Files.writeString(docker, "#!/bin/bash\necho \"docker $*\" >> '" + dockerLog + "'\n"
                + "[ \"$1\" = exec ] || exit 2\nshift\n"
                + "if [ \"$1\" = -i ]; then shift 2; exec \"$@\"; fi\n"
                + "shift\nexec \"$@\" </dev/null\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = config("/usr/bin", "      deployment_type: docker\n      container_name: slurmctld\n");
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        member(project, "alice");
        String o = order(project, "Dockered", "dockered");

        AgentProcess.Run run = AgentProcess.run(Map.of("PATH", bin + ":" + System.getenv("PATH")),
                "--once", "-m", "order_process", "-c", config.toString());
        System.out.println(run.output());

        assertEquals(0, run.rc());
        assertEquals("done", waldur.order(o).get("state"));
        assertEquals(List.of("alice"), RealSlurm.associations().get("ita_dockered").users);
        List<String> calls = RealSlurm.logLines(dockerLog);
        assertTrue(calls.size() >= 4, "snapshot reads and the load: " + calls);
        for (String call : calls) {
            assertTrue(call.startsWith("docker exec -i slurmctld /usr/bin/"), call);
        }
    }

    @Test
    void aJobRunUnderAnAllocationAccountShowsUpInSacct() throws Exception {
        Path config = config(countingBin(null).toString(), "");
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        member(project, "alice");
        String o = order(project, "Jobs", "jobs");
        assertEquals(0, once(config).rc());
        assertEquals("done", waldur.order(o).get("state"));

        String id = Jobs.submit("alice", "ita_jobs", "--gres=gpu:1", "--mem=100M", "-n", "1", "--wrap", "sleep 2").strip();
        Jobs.waitFinished(id);
        String row = Jobs.accountingRow(id, "Account,User,State,ReqTRES");
        assertTrue(row.startsWith("ita_jobs|alice|COMPLETED|"), row);
        assertTrue(row.contains("gres/gpu=1"), row);
    }
}
