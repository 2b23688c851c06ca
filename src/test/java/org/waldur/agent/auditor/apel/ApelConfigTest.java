package org.waldur.agent.auditor.apel;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApelConfigTest {

    @Test
    void documentationExampleLoadsUnchangedWithTheUnsupportedTlsWarned() {
        ApelConfig c = ApelConfig.load(Path.of("examples/auditor/apel-plugin.yaml"));
        assertEquals(Map.of("SITE_A", List.of("site_id_1", "site_id_2"), "SITE_B", List.of("site_id_3")), c.sitesToReport());
        assertEquals("HEPscore23", c.benchmarkType());
        assertEquals("http://127.0.0.1:3333", c.auditorUrl());
        assertEquals(List.of("site_id"), c.siteMetaFields());
        assertEquals("msg.argo.grnet.gr", c.messaging().host());
        assertEquals(List.of("VO", "Processors", "SubmitHost", "NormalisedWallDuration", "CpuDuration", "NormalisedCpuDuration"),
                List.copyOf(c.mandatory().keySet()));
        assertEquals(List.of("GlobalUserName", "VOGroup", "VORole", "Infrastructure", "NodeCount"), List.copyOf(c.optional().keySet()));
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("auditor.use_tls"), c.warnings().get(0));

        // the documented regexes, on a voms string
        Record r = Record.of("r", Map.of("voms", List.of("/atlas/lcg1/Role=production"), "subject", List.of("/DC=ch/CN=x")),
                List.of(new Component("Cores", 8, List.of())), Instant.EPOCH, Instant.EPOCH.plusSeconds(5));
        assertEquals("atlas", c.mandatory().get("VO").value(r));
        assertEquals("atlas/lcg1", c.optional().get("VOGroup").value(r));
        assertEquals("Role=production", c.optional().get("VORole").value(r));
        assertEquals("grid", c.optional().get("Infrastructure").value(r));
        assertEquals("/DC=ch/CN=x", c.optional().get("GlobalUserName").value(r));
        assertEquals("None", c.mandatory().get("SubmitHost").value(r), "missing meta → AUDITOR's \"None\"");
        assertThrows(Field.MissingValue.class, () -> c.optional().get("NodeCount").value(r));
    }

    @Test
    void fieldTypesAsAuditorsTests() throws Exception {
        Path f = Files.createTempFile("apel", ".yaml");
        Files.writeString(f, Files.readString(Path.of("src/test/resources/auditor/apel-worked-example.yaml"))
                .replace("""
                            CpuDuration: !ComponentField
                              name: TotalCPU
                        """, """
                            CpuDuration: !ComponentField
                              name: TotalCPU
                              divide_by: 1000
                        """)
                .replace("""
                            Infrastructure: !ConstantField
                              value: grid
                        """, """
                            Infrastructure: !ConstantField
                              value: 2
                            GlobalUserName: !MetaField
                              name: user
                              function:
                                name: vo_mapping
                                parameters:
                                  atl: atlas
                                  bel: belle
                        """));
        ApelConfig c = ApelConfig.load(f);
        Record r = Record.of("r", Map.of("user", List.of("atlpilot01")), List.of(new Component("TotalCPU", 1000, List.of()),
                new Component("Cores", 2, List.of(new org.waldur.agent.auditor.record.Score("hepscore23", 2.5)))),
                Instant.EPOCH, Instant.EPOCH.plusSeconds(1000));
        assertEquals(1L, c.mandatory().get("CpuDuration").value(r), "1000 / 1000");
        assertEquals(2500L, c.mandatory().get("NormalisedWallDuration").value(r), "1000 × 2.5");
        assertEquals(2L, c.optional().get("Infrastructure").value(r), "a YAML integer stays an integer");
        assertEquals("atlas", c.optional().get("GlobalUserName").value(r));
        Record other = Record.of("o", Map.of("user", List.of("cms01")), r.components(), r.startTime(), r.stopTime());
        assertEquals("None", c.optional().get("GlobalUserName").value(other));
        assertEquals(2L, new Field.ComponentField("TotalCPU", 400L).value(
                Record.of("h", null, List.of(new Component("TotalCPU", 1000, List.of())), Instant.EPOCH, Instant.EPOCH)),
                "round(2.5) is 2 in Python");
    }

    @Test
    void errorsNameTheFileAndKey() throws Exception {
        Path f = Files.createTempFile("apel", ".yaml");
        String base = Files.readString(Path.of("src/test/resources/auditor/apel-worked-example.yaml"));
        Files.writeString(f, base.replace("    Processors: !ComponentField\n      name: Cores\n", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> ApelConfig.load(f));
        assertTrue(e.getMessage().contains("summary_fields.mandatory: fields [Processors] are mandatory"), e.getMessage());
        Files.writeString(f, base.replace("!ConstantField", "!ConstField"));
        e = assertThrows(ConfigException.class, () -> ApelConfig.load(f));
        assertTrue(e.getMessage().startsWith(f + ": summary_fields.optional.Infrastructure: unknown field type '!ConstField'"), e.getMessage());
        Files.writeString(f, base.replace("regex: (?<=/).*?(?=/|$)", "regex: (unclosed"));
        e = assertThrows(ConfigException.class, () -> ApelConfig.load(f));
        assertTrue(e.getMessage().contains("summary_fields.mandatory.VO.regex"), e.getMessage());
    }
}
