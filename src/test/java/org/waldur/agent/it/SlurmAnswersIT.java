package org.waldur.agent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real sacctmgr's answers that must not pass for success (issue 9, FINDINGS §9), classified by
 * {@link SlurmResult} exactly as camel-exec hands them over: stdout and stderr apart.
 */
class SlurmAnswersIT {
    private static final String P = "i9s_";
    private final SlurmCommands c = new SlurmCommands(new SlurmSettings("root", "individual", "root", "", "", "", null,
            "sandbox", "/usr/bin", List.of(), null, false, "normal", null, null, false, "0077", null, false, 1, false,
            false, 34, SlurmSettings.UsageBasis.REQUESTED));

    @BeforeEach
    @AfterEach
    void clean() {
        RealSlurm.require();
        RealSlurm.removeAccounts(P);
    }

    private static SlurmResult exec(SlurmCommand cmd) throws Exception {
        Process p = new ProcessBuilder(cmd.argv()).start();
        try (var in = p.getOutputStream()) {
            if (cmd.stdin() != null) {
                in.write(cmd.stdin().getBytes());
            }
        }
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor();
        return SlurmResult.of(cmd, p.exitValue(), out, err);
    }

    @Test
    void linesUnderAnUnknownParentFailWithSlurmsMessage() throws Exception {
        LoadFile f = new LoadFile();
        f.user("alice", P + "nosuch", null);
        f.cluster("sandbox");
        SlurmResult r = exec(c.load(f));
        assertEquals(SlurmResult.Status.FAILED, r.status(), r.toString());
        assertTrue(r.message().contains("You need to add this parent"), r.message());
        assertFalse(r.isTransient());
    }

    @Test
    void aLoadWhoseStdinIsLostFailsAlthoughSlurmExitsZero() throws Exception {
        LoadFile f = new LoadFile();
        f.account(P + "a", "root", "A", P + "a", Map.of());
        f.cluster("sandbox");
        SlurmCommand load = c.load(f);
        SlurmResult r = exec(new SlurmCommand(load.argv(), true, null)); // what docker exec without -i does
        // camel-exec judged with the command it meant to run
        SlurmResult judged = SlurmResult.of(load, r.exitCode(), r.stdout(), r.stderr());
        assertEquals(0, r.exitCode(), "sacctmgr itself is content with an empty file");
        assertEquals(SlurmResult.Status.FAILED, judged.status());
        assertFalse(RealSlurm.associations().containsKey(P + "a"));
    }

    @Test
    void aQuotedTresListIsReadWholeAndApplied() throws Exception {
        LoadFile f = new LoadFile();
        f.account(P + "q", "root", "Quoted", P + "q", Map.of("cpu", 10L, "gres/gpu", 5L));
        f.cluster("sandbox");
        SlurmResult r = exec(c.load(f));
        assertEquals(SlurmResult.Status.OK, r.status(), r.toString());
        assertEquals("cpu=10,gres/gpu=5", RealSlurm.associations().get(P + "q").limits);
    }

    @Test
    void alreadyThereIsStillAlreadyThere() throws Exception {
        assertEquals(SlurmResult.Status.OK, exec(c.addAccount(P + "x", "x", P + "x", "root", Map.of())).status());
        List<SlurmResult> again = new ArrayList<>(List.of(
                exec(c.addAccount(P + "x", "x", P + "x", "root", Map.of())),
                exec(c.setLimits(P + "nosuch", Map.of("cpu", 5L))),
                exec(c.removeAccounts(List.of(P + "nosuch")))));
        for (SlurmResult r : again) {
            assertEquals(SlurmResult.Status.ALREADY, r.status(), r.toString());
        }
    }
}
