package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ConfigException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUDITOR's collector config keys, defaults and refusals (auditor.md §3.1, §3.7). */
class CollectorConfigTest {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    /** AUDITOR's containers/docker-centos7-slurm/collector_config.yaml, as its SLURM test uses it. */
    static final String AUDITOR_TEST_CONFIG = """
            addr: "host.docker.internal"
            port: 8000
            record_prefix: "slurm"
            job_filter:
              status:
                - "completed"
            sacct_frequency: 2
            sender_frequency: 1
            sites:
              - name: "SiteA"
                only_if:
                  key: "Partition"
                  matches: "^part1$"
              - name: "SiteB"
                only_if:
                  key: "Partition"
                  matches: "^part2$"
            meta:
              - name: Comment
                key: "Comment"
                key_type: Json
            components:
              - name: "Cores"
                key: "NCPUS"
                scores:
                  - name: "HEPSPEC06"
                    value: 1.1
                    only_if:
                      key: "Partition"
                      matches: "^part1$"
                  - name: "HEPSPEC06"
                    value: 1.2
                    only_if:
                      key: "Partition"
                      matches: "^part2$"
              - name: "SystemCPU"
                key: "SystemCPU"
                key_type: Time
                only_if:
                  key: "Partition"
                  matches: "^part1$"
              - name: "UserCPU"
                key: "UserCPU"
                key_type: Time
                only_if:
                  key: "Partition"
                  matches: "^part1$"
              - name: "Memory"
                key: "ReqMem"
                key_type: IntegerMega
            tls_config:
              use_tls: false
            """;

    static CollectorConfig parse(String yaml, Map<String, String> env) {
        return CollectorConfigLoader.parse("collector.yaml", yaml, env, () -> NOW).config();
    }

    @Test
    void defaultsAreAuditors() {
        CollectorConfig c = parse("tls_config:\n  use_tls: false\n", Map.of());
        assertEquals("127.0.0.1", c.addr());
        assertEquals(8000, c.port());
        assertEquals("slurm", c.recordPrefix());
        assertEquals("NOT_CONFIGURED", c.sites().get(0).name());
        assertEquals(NOW, c.earliestDatetime(), "default: start-up time");
        assertEquals(Duration.ofSeconds(10), c.sacctFrequency());
        assertEquals(Duration.ofSeconds(1), c.senderFrequency());
        assertEquals("testdb.db", c.databasePath(), "sqlite://testdb.db");
        assertEquals(Map.of("status", List.of("completed")), c.jobFilterFlags());
        // AUDITOR issue #1976: the default config asks for NCPUS,JobID,Start,End,Group,User,State (+ our NodeList)
        assertEquals(List.of("NCPUS", "JobID", "Start", "End", "Group", "User", "State", "NodeList"), c.sacctKeys());
    }

    @Test
    void theDocsExampleKeysComeInAuditorsOrder() {
        CollectorConfig c = parse(AUDITOR_TEST_CONFIG, Map.of());
        assertEquals(List.of("Partition", "Comment", "NCPUS", "SystemCPU", "UserCPU", "ReqMem", "JobID", "Start", "End",
                "Group", "User", "State", "NodeList"), c.sacctKeys());
        assertEquals("http://host.docker.internal:8000", c.serverUrl());
        assertEquals(KeyType.IntegerMega, c.components().get(3).keyType());
        assertEquals(1.2, c.components().get(0).scores().get(1).value());
        assertTrue(c.components().get(0).scores().get(1).onlyIf().test(Map.of("Partition", "part2")));
    }

    @Test
    void environmentOverridesScalarsAndJobFilterLists() {
        CollectorConfig c = parse(AUDITOR_TEST_CONFIG, Map.of("AUDITOR_SLURM_COLLECTOR_ADDR", "10.0.0.5",
                "AUDITOR_SLURM_COLLECTOR_PORT", "8443", "AUDITOR_SLURM_COLLECTOR_JOB_FILTER__ACCOUNT", "aucol_a,aucol_b",
                "AUDITOR_SLURM_COLLECTOR_DATABASE_PATH", "sqlite:///var/lib/collector.db"));
        assertEquals("http://10.0.0.5:8443", c.serverUrl());
        assertEquals(List.of("aucol_a", "aucol_b"), c.jobFilterFlags().get("account"));
        assertEquals("/var/lib/collector.db", c.databasePath());
    }

    @Test
    void problemsNameTheFileAndTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: false}\nsite: []\n", Map.of()));
        assertTrue(e.getMessage().startsWith("collector.yaml: site: unknown key"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("port: 8000\n", Map.of()));
        assertTrue(e.getMessage().startsWith("collector.yaml: tls_config: missing"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: false}\nsites:\n  - name: A\n"
                + "    only_if: {key: Partition, matches: \"(\"}\n", Map.of()));
        assertTrue(e.getMessage().startsWith("collector.yaml: sites[0].only_if.matches: not a valid regex"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: false}\ncomponents:\n  - name: C\n"
                + "    key: NCPUS\n    key_type: Float\n", Map.of()));
        assertTrue(e.getMessage().startsWith("collector.yaml: components[0].key_type: unknown type 'Float'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: false}\nlogging: {log_colour: true}\n", Map.of()));
        assertTrue(e.getMessage().startsWith("collector.yaml: logging.log_colour: unknown key"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: true}\n", Map.of()));
        assertTrue(e.getMessage().contains("tls_config.use_tls"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("tls_config: {use_tls: false}\n", Map.of("AUDITOR_SLURM_COLLECTOR_PORT", "http")));
        assertTrue(e.getMessage().startsWith("collector.yaml: port: expected an integer"), e.getMessage());
    }

    @Test
    void unknownKeysBelowTheTopLevelAreIgnoredAsAuditorDoes() {
        CollectorConfig c = parse("tls_config: {use_tls: false, extra: 1}\nsites:\n  - name: A\n    colour: red\n", Map.of());
        assertEquals("A", c.sites().get(0).name());
        assertNull(c.sites().get(0).onlyIf());
    }

    @Test
    void earliestDatetimeIsIso8601WithOffset() {
        assertEquals(Instant.parse("2025-12-31T23:00:00Z"),
                parse("tls_config: {use_tls: false}\nearliest_datetime: \"2026-01-01T00:00:00+01:00\"\n", Map.of()).earliestDatetime());
    }
}
