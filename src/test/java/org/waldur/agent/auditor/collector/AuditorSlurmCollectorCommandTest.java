package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waldur.agent.App;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subcommand's refusals: one line naming the file and the key, exit 2, no stack trace, nothing started. */
class AuditorSlurmCollectorCommandTest {
    @TempDir
    Path dir;

    String run(int expectedExit, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, App.commandLine().execute(args));
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aConfigErrorNamesFileAndKeyAndExits2() throws Exception {
        Path cfg = dir.resolve("collector.yml");
        Files.writeString(cfg, "port: 8000\nsacct_frequencey: 5\ntls_config: {use_tls: false}\n");
        String err = run(2, "auditor-slurm-collector", cfg.toString());
        assertTrue(err.startsWith("auditor-slurm-collector: configuration error: " + cfg + ": sacct_frequencey: unknown key"), err);
        assertFalse(err.contains("\tat "), "no stack trace");
        assertEquals(1, err.strip().lines().count());
    }

    @Test
    void aMissingFileAndAMissingRouteDirectoryAreNamed() throws Exception {
        String err = run(2, "auditor-slurm-collector", dir.resolve("nope.yml").toString());
        assertTrue(err.contains("nope.yml: (file): no such file"), err);
        Path cfg = dir.resolve("collector.yml");
        Files.writeString(cfg, "tls_config: {use_tls: false}\ndatabase_path: \"sqlite://" + dir.resolve("o.db") + "\"\n");
        err = run(2, "--routes", dir.resolve("no-routes").toString(), "auditor-slurm-collector", cfg.toString());
        assertTrue(err.contains("auditor-slurm-collector.camel.yaml or slurm.camel.yaml not found in"), err);
    }
}
