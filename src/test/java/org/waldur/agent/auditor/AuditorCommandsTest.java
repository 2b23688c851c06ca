package org.waldur.agent.auditor;

import org.junit.jupiter.api.Test;
import org.waldur.agent.App;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command lines of AUDITOR's programs, as the launcher parses them (AUDITOR's flags: -c, --config, -y -m -s). */
class AuditorCommandsTest {

    private static int run(String... args) {
        return App.commandLine().execute(args);
    }

    private static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void apelDryRunWithAuditorsFlagsPrintsTheMessages() throws Exception {
        try (FakeAuditorServer auditor = new FakeAuditorServer()) {
            Path cfg = Files.createTempFile("apel", ".yaml");
            Files.writeString(cfg, Files.readString(Path.of("src/test/resources/auditor/apel-worked-example.yaml"))
                    .replace("port: 8000", "port: " + auditor.port()));
            auditor.add(org.waldur.agent.auditor.record.Record.of("now", java.util.Map.of("site_id", java.util.List.of("siteA"),
                            "voms", java.util.List.of("/atlas"), "headnode", java.util.List.of("ce1")),
                    java.util.List.of(new org.waldur.agent.auditor.record.Component("Cores", 2,
                                    java.util.List.of(new org.waldur.agent.auditor.record.Score("hepscore23", 10.0))),
                            new org.waldur.agent.auditor.record.Component("TotalCPU", 10, java.util.List.of()),
                            new org.waldur.agent.auditor.record.Component("NNodes", 1, java.util.List.of())),
                    java.time.Instant.now().minusSeconds(61), java.time.Instant.now().minusSeconds(1)));
            int[] rc = new int[1];
            String out = stdout(() -> rc[0] = run("auditor-apel-publish", "-c", cfg.toString(), "--dry-run"));
            assertEquals(0, rc[0]);
            // the agent logs to stdout too (log4j2.xml), so the messages are looked for among the lines
            assertTrue(out.contains("APEL-sync-message: v0.1\nSite: SITE_A\nSubmitHost: ce1\nNumberOfJobs: 1\n"), out);
            assertTrue(out.contains("APEL-normalised-summary-message: v0.4\n"), out);
            assertTrue(out.contains("NormalisedWallDuration: {HEPscore23: 600}\n"), out);

            out = stdout(() -> rc[0] = run("auditor-apel-publish", "--config", cfg.toString(), "--dry-run"));
            assertEquals(0, rc[0]);
            assertTrue(out.contains("NumberOfJobs: 1"), out);

            java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1);
            out = stdout(() -> rc[0] = run("auditor-apel-republish", "-y", Integer.toString(now.getYear()),
                    "-m", Integer.toString(now.getMonthValue()), "-s", "SITE_A", "-c", cfg.toString(), "--dry-run"));
            assertEquals(0, rc[0]);
            assertTrue(out.contains("APEL-normalised-summary-message: v0.4\n") && !out.contains("APEL-sync-message"),
                    "republish sends no sync message: " + out);
        }
    }

    @Test
    void configErrorsExitTwo() throws Exception {
        Path bad = Files.createTempFile("bad", ".yaml");
        Files.writeString(bad, "plugin: {}\n");
        assertEquals(2, run("auditor-apel-publish", "-c", bad.toString(), "--dry-run"));
        assertEquals(2, run("auditor-apel-publish", "--dry-run"), "no config");
        assertEquals(2, run("auditor-priority-plugin", bad.toString(), "--once"));
    }
}
