package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.FakeAuditorServer;
import org.waldur.agent.auditor.PriorityPluginLauncher;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.it.RealSlurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * AUDITOR's scripts/test_priority_plugin.sh on the real SLURM sandbox: the 7-record fixture, the plugin run once
 * per mode with AUDITOR's default command, the factors read back with {@code scontrol show partition}. The
 * sandbox has part1 and part2 only, so the commands for part3, part4 and part6 fail — as they would on a site
 * with a stale group_mapping — and must not stop the others. The factors are restored afterwards.
 */
class PrioritySlurmIT {
    private static final List<String> PARTITIONS = List.of("part1", "part2");
    private final Map<String, String> before = new LinkedHashMap<>();
    private FakeAuditorServer auditor;

    @BeforeEach
    void requireSlurm() throws IOException {
        boolean present;
        try {
            present = RealSlurm.run(List.of("scontrol", "show", "partition", "part1"), null).out().contains("PartitionName=part1");
        } catch (RuntimeException e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI=true but no SLURM with partition part1 answers: start examples/slurm-sandbox/start.sh");
        }
        // slurmctld is all this suite needs (scontrol), not slurmdbd
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "no SLURM answers scontrol show partition part1: skipped. "
                + "Start one as root with examples/slurm-sandbox/start.sh to run it.");
        for (String p : PARTITIONS) {
            before.put(p, factor(p));
        }
        auditor = new FakeAuditorServer();
        auditor.add(PriorityPluginRouteTest.fixture().toArray(Record[]::new));
    }

    @AfterEach
    void restore() {
        before.forEach((p, f) -> RealSlurm.run(List.of("scontrol", "update", "PartitionName=" + p, "PriorityJobFactor=" + f), null));
        if (auditor != null) {
            auditor.close();
        }
    }

    static String factor(String partition) {
        String out = RealSlurm.run(List.of("scontrol", "show", "partition", partition), null).out();
        Matcher m = Pattern.compile("PriorityJobFactor=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private Path config(String mode) throws IOException {
        Path f = Files.createTempFile("prio-slurm", ".yaml");
        Files.writeString(f, """
                auditor:
                  addr: "127.0.0.1"
                  port: %d
                components:
                  NumCPUs: "HEPSPEC"
                min_priority: 1
                max_priority: 65335
                computation_mode: %s
                group_mapping:
                  group1: ["part1"]
                  group2: ["part2"]
                  group3: ["part3"]
                  group4: ["part4"]
                  group6: ["part6"]
                frequency: 3600
                tls_config:
                  use_tls: false
                """.formatted(auditor.port(), mode));
        return f;
    }

    @Test
    void bothModesSetAuditorsGoldenFactorsOnRealPartitions() throws Exception {
        int rc = PriorityPluginLauncher.run(config("FullSpread"), Path.of("routes"), true);
        assertEquals(1, rc, "--once reports that part3/part4/part6 do not exist");
        assertEquals("47041", factor("part1"));
        assertEquals("48348", factor("part2"));

        rc = PriorityPluginLauncher.run(config("ScaledBySum"), Path.of("routes"), true);
        assertEquals(1, rc);
        assertEquals("18931", factor("part1"));
        assertEquals("19457", factor("part2"));
    }
}
