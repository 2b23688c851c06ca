package org.waldur.agent.ops;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.Mode;
import org.waldur.agent.support.ConfigYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** healthz reads the state files: missing, fresh and stale cycles, per selected mode. */
class HealthzCommandTest {
    @Test
    void passesOnlyWhenEverySelectedModeCompletedACycleWithinTwiceItsPeriod() throws Exception {
        Path dir = Files.createTempDirectory("healthz");
        Path cfg = Files.createTempFile("healthz", ".yaml");
        // order_process every 5 minutes (default), report every 30.
        Files.writeString(cfg, ConfigYaml.of("http://127.0.0.1:9/api/", LoadComponentsCommandTest.TOKEN,
                "0123456789abcdef0123456789abcdef", LoadComponentsCommandTest.SETTINGS, ConfigYaml.COMPONENTS));
        String[] args = {"healthz", "-c", cfg.toString(), "--state-dir", dir.toString(), "-m", "order_process,report"};

        CommandRun none = CommandRun.of(null, args);
        assertEquals(1, none.exit(), none.out());
        assertTrue(none.out().contains("✘ order_process: no completed cycle recorded"), none.out());

        new HealthState(Mode.ORDER_PROCESS, Instant.now().minusSeconds(60), 300_000, 4, 1, 1).write(dir);
        new HealthState(Mode.REPORT, Instant.now().minusSeconds(3 * 1800), 1_800_000, 0, 0, 1).write(dir);
        CommandRun stale = CommandRun.of(null, args);
        assertEquals(1, stale.exit(), stale.out());
        assertTrue(stale.out().contains("✔ order_process: last cycle completed 60 s ago (period 300 s), 1 item(s) failed, 4 done"), stale.out());
        assertTrue(stale.out().contains("✘ report: last cycle completed 5400 s ago, more than twice the period (period 1800 s)"), stale.out());

        new HealthState(Mode.REPORT, Instant.now().minusSeconds(1799), 1_800_000, 7, 0, 1).write(dir);
        CommandRun ok = CommandRun.of(null, args);
        assertEquals(0, ok.exit(), ok.out());
        assertEquals(0, CommandRun.of(null, "healthz", "-c", cfg.toString(), "--state-dir", dir.toString()).exit(),
                "default mode order_process");
    }
}
