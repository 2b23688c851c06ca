package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL at the two moments a crash hurts most — right after the batch load applied (accounts in SLURM, nothing
 * reported to Waldur) and right after a terminate's removal ran (accounts gone, orders still executing) — then a
 * restart, against the real SLURM: every order ends done, with no duplicate and no orphan account.
 */
class CrashIT extends ItSupport {

    /** Wrappers that run the real sacctmgr, then for {@code verb} note it in the log and hold the agent there. */
    private Path binHoldingAfter(String verb) throws Exception {
        Path dir = countingBin(null);
        String script = "#!/bin/bash\n"
                + "echo \"sacctmgr $*\" >> '" + slurmLog + "'\n"
                + "if [[ \" $* \" == *\" " + verb + " \"* ]]; then\n"
                + "  if [[ \" $* \" == *\" load \"* ]]; then input=$(cat); printf '%s\\n' \"$input\" | /usr/bin/sacctmgr \"$@\"; else /usr/bin/sacctmgr \"$@\"; fi\n"
                + "  rc=$?; echo \"APPLIED " + verb + "\" >> '" + slurmLog + "'; sleep 60; exit $rc\n"
                + "fi\n"
                + "if [[ \" $* \" == *\" load \"* ]]; then input=$(cat); printf '%s\\n' \"$input\" | exec /usr/bin/sacctmgr \"$@\"; fi\n"
                + "exec /usr/bin/sacctmgr \"$@\"\n";
        Path f = dir.resolve("sacctmgr");
        Files.writeString(f, script);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /**
     * Wrappers that run the real sacctmgr, except that a {@code verb} command never runs: it is noted as HELD and
     * the agent is held there (the wrapper then exits without applying it, so a killed agent leaves nothing behind).
     */
    private Path binHoldingBefore(String verb) throws Exception {
        Path dir = countingBin(null);
        String script = "#!/bin/bash\n"
                + "echo \"sacctmgr $*\" >> '" + slurmLog + "'\n"
                + "if [[ \" $* \" == *\" " + verb + " \"* ]]; then echo \"HELD " + verb + "\" >> '" + slurmLog + "'; sleep 60; exit 1; fi\n"
                + "if [[ \" $* \" == *\" load \"* ]]; then input=$(cat); printf '%s\\n' \"$input\" | exec /usr/bin/sacctmgr \"$@\"; fi\n"
                + "exec /usr/bin/sacctmgr \"$@\"\n";
        Path f = dir.resolve("sacctmgr");
        Files.writeString(f, script);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private void runAndKillAfter(Path config, String verb) throws Exception {
        runAndKillAt(config, "APPLIED " + verb);
    }

    private void runAndKillAt(Path config, String mark) throws Exception {
        Process agent = AgentProcess.builder(work.resolve("killed.log"), Map.of(), "--once", "-m", "order_process",
                "-c", config.toString()).start();
        long deadline = System.currentTimeMillis() + 180_000;
        while (!RealSlurm.logLines(slurmLog).contains(mark) && System.currentTimeMillis() < deadline && agent.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(agent.isAlive(), "the agent was still in its cycle");
        agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL
        assertTrue(RealSlurm.logLines(slurmLog).contains(mark), "killed at " + mark);
    }

    private AgentProcess.Run restart() throws Exception {
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "order_process", "-c",
                config(countingBin(null).toString(), "").toString());
        System.out.println(run.output());
        return run;
    }

    @Test
    void killedRightAfterTheLoadThenRestartedEndsDoneWithoutDuplicates() throws Exception {
        String project = waldur.addProject(waldur.addCustomer("Crash University", "crash-uni"), "Crash", "crash");
        member(project, "alice");
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            orders.add(order(project, "Load " + i, "crash-load-" + i));
        }
        runAndKillAfter(config(binHoldingAfter("load").toString(), ""), "load");
        for (String o : orders) {
            assertEquals("executing", waldur.order(o).get("state"), "killed before any order was reported");
        }

        assertEquals(0, restart().rc());

        Set<String> backendIds = new TreeSet<>();
        for (String o : orders) {
            assertEquals("done", waldur.order(o).get("state"), o);
            backendIds.add((String) waldur.resource(resourceOf(o)).get("backend_id"));
        }
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        // this suite's names only: other suites may use the sandbox at the same time
        Set<String> allocations = new TreeSet<>(slurm.keySet().stream().filter(a -> a.startsWith("ita_crash-load-")).toList());
        assertEquals(8, backendIds.size());
        assertEquals(backendIds, allocations, "the restart finished the same accounts: no duplicate, no orphan");
        for (String a : allocations) {
            assertEquals(List.of("alice"), slurm.get(a).users, a);
        }
    }

    /**
     * n Creates in project crash of customer crash-uni (alice in the team), made by one agent run, then a
     * Terminate order for each of them, executing: the Terminate orders' uuids.
     */
    private List<String> allocationsMadeThenTerminating(int n, String name, String slug) throws Exception {
        String project = waldur.addProject(waldur.addCustomer("Crash University", "crash-uni"), "Crash", "crash");
        member(project, "alice");
        List<String> creates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            creates.add(order(project, name + i, slug + i));
        }
        assertEquals(0, restart().rc());
        List<String> terminates = new ArrayList<>();
        for (String c : creates) {
            assertEquals("done", waldur.order(c).get("state"));
            terminates.add(waldur.addOrder(offering, resourceOf(c), "Terminate", "executing", Map.of()));
        }
        return terminates;
    }

    @Test
    void killedDuringATerminateThenRestartedEndsDoneWithNothingLeft() throws Exception {
        List<String> terminates = allocationsMadeThenTerminating(5, "Term ", "crash-term-");

        runAndKillAfter(config(binHoldingAfter("remove").toString(), ""), "remove");
        assertEquals(0, restart().rc());

        for (String t : terminates) {
            assertEquals("done", waldur.order(t).get("state"), t);
        }
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        assertFalse(slurm.keySet().stream().anyMatch(a -> a.startsWith("ita_crash-term-")), "no allocation left: " + slurm.keySet());
        assertFalse(slurm.containsKey("itp_crash"), "the emptied project is gone too");
        assertTrue(slurm.containsKey("itc_crash-uni"), "customer accounts are never removed");
    }

    @Test
    void killedAfterTheFinalReportBeforeTheRemovalThenRestartedReportsEachOrderOnce() throws Exception {
        List<String> terminates = allocationsMadeThenTerminating(3, "Held ", "crash-held-");

        runAndKillAt(config(binHoldingBefore("remove").toString(), ""), "HELD remove");
        assertEquals(3, RealSlurm.associations().keySet().stream().filter(a -> a.startsWith("ita_crash-held-")).count(),
                "killed before the removal: the accounts are still there");
        for (String t : terminates) {
            assertEquals("executing", waldur.order(t).get("state"));
        }

        assertEquals(0, restart().rc());

        for (String t : terminates) {
            assertEquals("done", waldur.order(t).get("state"), t);
        }
        assertEquals(6, waldur.count("POST", ".*/set_state_done/"), "each order reported done once: no duplicate");
        Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
        assertFalse(slurm.keySet().stream().anyMatch(a -> a.startsWith("ita_crash-held-")), "no allocation left: " + slurm.keySet());
        assertFalse(slurm.containsKey("itp_crash"), "the emptied project is gone too");
    }
}
