package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriorityConfigTest {

    @Test
    void documentationExampleLoadsUnchanged() {
        PriorityConfig c = PriorityConfig.load(Path.of("examples/auditor/priority-plugin.yaml"));
        assertEquals("http://auditor_host_address:8000", c.auditorUrl());
        assertEquals(Duration.ofSeconds(1209600), c.duration());
        assertEquals(Duration.ofSeconds(3600), c.frequency());
        assertEquals(java.util.Map.of("NumCPUs", "HEPSPEC"), c.components());
        assertEquals(List.of("group1", "group2", "group3"), List.copyOf(c.groups().keySet()));
        assertEquals(List.of("part2"), c.groups().get("group2"));
        assertEquals(2, c.commands().size());
        assertEquals(1, c.minPriority());
        assertEquals(65335, c.maxPriority());
        assertEquals(PriorityMode.SCALED_BY_SUM, c.mode());
        assertTrue(c.prometheus());
        assertEquals(9000, c.prometheusPort());
        assertEquals(Set.of("ResourceUsage", "Priority"), c.prometheusMetrics());
        assertEquals(List.of(), c.warnings(), "every key of the documented example is known");
        new PriorityPlugin(c, java.time.Clock.systemUTC()); // its commands parse
    }

    @Test
    void auditorsOwnTestConfigWithMisspelledCommandWarnsAndUsesTheDefault() throws Exception {
        Path f = Files.createTempFile("prio", ".yaml");
        Files.writeString(f, """
                auditor:
                  addr: "host.docker.internal"
                  port: 8000
                components:
                  NumCPUs: "HEPSPEC"
                min_priority: 1
                max_priority: 65335
                computation_mode: FullSpread
                group_mapping:
                  group1:
                    - "part1"
                  group6:
                    - "part6"
                command:
                  - "/usr/bin/scontrol update PartitionName={1} PriorityJobFactor={priority}"
                frequency: 3600
                tls_config:
                  use_tls: false
                """);
        PriorityConfig c = PriorityConfig.load(f);
        assertEquals(List.of(PriorityConfig.DEFAULT_COMMAND), c.commands());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("command: unknown key"), c.warnings().get(0));
        assertEquals(PriorityMode.FULL_SPREAD, c.mode());
        assertFalse(c.prometheus(), "no prometheus block: off, as in AUDITOR");
        assertNull(c.duration());
    }

    @Test
    void auditorEnvironmentOverridesTheFile() {
        PriorityConfig c = PriorityConfig.load(Path.of("examples/auditor/priority-plugin.yaml"), java.util.Map.of(
                "AUDITOR_AUDITOR__ADDR", "10.0.0.5", "AUDITOR_AUDITOR__PORT", "8443", "AUDITOR_MAX_PRIORITY", "1000",
                "AUDITOR_COMPUTATION_MODE", "FullSpread", "PATH", "/usr/bin"));
        assertEquals("http://10.0.0.5:8443", c.auditorUrl());
        assertEquals(1000, c.maxPriority());
        assertEquals(PriorityMode.FULL_SPREAD, c.mode());
        assertEquals(1, c.minPriority(), "untouched keys keep the file's value");
    }

    @Test
    void badValuesNameTheFileAndKey() throws Exception {
        Path f = Files.createTempFile("prio", ".yaml");
        Files.writeString(f, "components: {NumCPUs: HEPSPEC}\ngroup_mapping: {g: [p]}\ncomputation_mode: Fair\n");
        ConfigException e = assertThrows(ConfigException.class, () -> PriorityConfig.load(f));
        assertTrue(e.getMessage().startsWith(f + ": computation_mode: "), e.getMessage());
        Files.writeString(f, "components: {NumCPUs: HEPSPEC}\n");
        e = assertThrows(ConfigException.class, () -> PriorityConfig.load(f));
        assertTrue(e.getMessage().contains("group_mapping: required"), e.getMessage());
        Files.writeString(f, "components: {NumCPUs: HEPSPEC}\ngroup_mapping: {g: [p]}\nfrequency: often\n");
        e = assertThrows(ConfigException.class, () -> PriorityConfig.load(f));
        assertTrue(e.getMessage().contains("frequency: expected an integer"), e.getMessage());
    }
}
