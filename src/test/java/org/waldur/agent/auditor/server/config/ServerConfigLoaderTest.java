package org.waldur.agent.auditor.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waldur.agent.App;
import org.waldur.agent.config.ConfigException;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUDITOR's server config file and AUDITOR_* variables (reference §2.5), and how a bad one is reported. */
class ServerConfigLoaderTest {
    @TempDir
    Path dir;

    /** AUDITOR's own auditor/configuration/base.yaml, as a site has it. */
    static final String AUDITOR_BASE = """
            application:
              port: 8000
            database:
              host: "localhost"
              port: 5432
              username: "postgres"
              password: "password"
              database_name: "auditor"
              require_ssl: false
            metrics:
              database:
                frequency: 30
                metrics:
                  - RecordCount
                  - RecordCountPerSite
                  - RecordCountPerGroup
                  - RecordCountPerUser
            tls_config:
              use_tls: false
              ca_cert_path: "/path/rootCA.pem"
              server_cert_path: "/path/server-cert.pem"
              server_key_path: "/path/server-key.pem"
            logging:
              log_to_file: false
              log_dir: "logs"
            """;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("auditor.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void readsAuditorsOwnConfigAsAnExternalPostgres() throws Exception {
        ServerSettings s = ServerConfigLoader.load(write(AUDITOR_BASE), Map.of());
        assertEquals(8000, s.port());
        assertEquals(List.of("127.0.0.1"), s.addr());
        assertFalse(s.database().embedded());
        assertEquals("jdbc:postgresql://localhost:5432/auditor", s.database().jdbcUrl());
        assertEquals("postgres", s.database().username());
        assertEquals(Duration.ofSeconds(30), s.metrics().frequency());
        assertEquals(ServerSettings.DatabaseMetrics.KNOWN, s.metrics().metrics());
        assertEquals("site", s.metrics().metaKeySite());
    }

    @Test
    void environmentOverridesTheFileAsAuditorsConfigRsDoes() throws Exception {
        ServerSettings s = ServerConfigLoader.load(write(AUDITOR_BASE), Map.of(
                "AUDITOR_APPLICATION__PORT", "8001",
                "AUDITOR_APPLICATION__ADDR", "0.0.0.0,::",
                "AUDITOR_DATABASE__DATABASE_NAME", "acct",
                "AUDITOR_DATABASE__REQUIRE_SSL", "true",
                "AUDITOR_METRICS__DATABASE__FREQUENCY", "5",
                "AUDITOR_LOG_LEVEL", "WARN",
                "AUDITOR_ENVIRONMENT", "production",
                "PATH", "/usr/bin"));
        assertEquals(8001, s.port());
        assertEquals(List.of("0.0.0.0", "::"), s.addr());
        assertEquals("::", s.bindHost());
        assertEquals("jdbc:postgresql://localhost:5432/acct?sslmode=require", s.database().jdbcUrl());
        assertEquals(Duration.ofSeconds(5), s.metrics().frequency());
        assertEquals("warn", s.logLevel());
    }

    @Test
    void otherProgramsAuditorVariablesDoNotStopTheServer() throws Exception {
        // CI exports AUDITOR_TEST_PG_URL and a collector on the same host has AUDITOR_SLURM_COLLECTOR_… set:
        // before, each one was read as an unknown top-level key and the server refused to start
        ServerSettings s = ServerConfigLoader.load(write(AUDITOR_BASE), Map.of(
                "AUDITOR_TEST_PG_URL", "postgresql://u:p@127.0.0.1:5433/db",
                "AUDITOR_SLURM_COLLECTOR_LOG_LEVEL", "debug",
                "AUDITOR_APPLICATION__PORT", "8002"));
        assertEquals(8002, s.port());
    }

    @Test
    void withoutADatabaseSectionTheStoreIsEmbedded() throws Exception {
        ServerSettings none = ServerConfigLoader.load(null, Map.of());
        assertTrue(none.database().embedded());
        assertEquals(Path.of("./auditor-data"), none.database().path());
        assertEquals(8000, none.port());
        assertEquals(Set.of(), none.metrics().metrics());
        ServerSettings kind = ServerConfigLoader.load(write("database:\n  kind: embedded\n  path: /var/lib/auditor\n"), Map.of());
        assertTrue(kind.database().embedded());
        assertEquals(Path.of("/var/lib/auditor"), kind.database().path());
    }

    @Test
    void errorsNameTheFileOrVariableAndTheKey() throws Exception {
        Path f = write(AUDITOR_BASE.replace("  port: 8000", "  port: 8000\n  prot: 1"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(f, Map.of()));
        assertTrue(unknown.getMessage().startsWith(f + ": application.prot: unknown key"), unknown.getMessage());

        ConfigException port = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(write(AUDITOR_BASE),
                Map.of("AUDITOR_APPLICATION__PORT", "eighty")));
        assertEquals("environment AUDITOR_APPLICATION__PORT: application.port: 'eighty' is not a whole number",
                port.getMessage());

        ConfigException metric = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(
                write("metrics:\n  database:\n    metrics: [RecordCount, Records]\n"), Map.of()));
        assertTrue(metric.getMessage().contains("metrics.database.metrics: 'Records' is not one of"), metric.getMessage());

        ConfigException host = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(
                write("database:\n  kind: external\n  username: a\n  database_name: b\n"), Map.of()));
        assertTrue(host.getMessage().endsWith("database.host: is required for an external PostgreSQL "
                + "(or set database.kind: embedded)"), host.getMessage());

        ConfigException tls = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(
                write(AUDITOR_BASE.replace("use_tls: false", "use_tls: true")), Map.of()));
        assertTrue(tls.getMessage().contains("tls_config.use_tls"), tls.getMessage());
    }

    @Test
    void theCommandExitsWith2AndOneLineWithoutAStackTrace() throws Exception {
        Path f = write("application:\n  port: [1, 2]\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = App.commandLine().execute("auditor", f.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(2, rc);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals("waldur-camel-agent auditor: configuration error: " + f + ": application.port: must be a single value\n",
                text);
    }
}
