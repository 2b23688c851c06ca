package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.server.config.ServerSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * AUDITOR's own Prometheus-exporter tests ({@code auditor/scripts/test_prometheus_exporter/*.py}: empty DB,
 * one record, four records) run unchanged against our server. They are AUDITOR's code and stay out of this
 * repository: point {@code AUDITOR_PROMETHEUS_TESTS} at that directory of an AUDITOR checkout (they need
 * Debian's {@code python3-requests}); without it this suite is skipped. Like AUDITOR's CI
 * (scripts/test_auditor_prometheus_exporter.sh) each script gets an empty database and a server on
 * 127.0.0.1:8000 with the default meta keys site/group/user; the gauges are recomputed every second.
 */
class AuditorPrometheusScriptsIT {
    static final String VARIABLE = "AUDITOR_PROMETHEUS_TESTS";

    @Test
    void auditorsExporterScriptsPass() throws Exception {
        String dir = System.getenv(VARIABLE);
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), VARIABLE + " not set: AUDITOR's exporter scripts skipped");
        List<Path> scripts;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            scripts = s.filter(p -> p.getFileName().toString().endsWith(".py")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no *.py in " + dir);
        ServerSettings.Database db = StoreKind.EMBEDDED.database();
        ServerSettings settings = new ServerSettings(List.of("127.0.0.1"), 8000, db,
                new ServerSettings.DatabaseMetrics(Duration.ofSeconds(1), ServerSettings.DatabaseMetrics.KNOWN,
                        "site", "group", "user"), "info", false, 64L << 20, List.of());
        try (AuditorServer server = AuditorServer.create(settings, Path.of("routes"))) {
            server.start();
            for (Path script : scripts) {
                try (var c = server.dataSource().getConnection(); var st = c.createStatement()) {
                    st.execute("TRUNCATE auditor_accounting");
                }
                Thread.sleep(1500); // one gauge refresh: test_empty_db reads the metrics without waiting
                Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(2, TimeUnit.MINUTES);
                assertEquals(0, p.exitValue(), script.getFileName() + ":\n" + out);
            }
        }
    }
}
