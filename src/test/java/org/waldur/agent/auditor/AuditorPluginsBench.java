package org.waldur.agent.auditor;

import org.waldur.agent.auditor.apel.ApelConfig;
import org.waldur.agent.auditor.apel.ApelSummary;
import org.waldur.agent.auditor.priority.PriorityConfig;
import org.waldur.agent.auditor.priority.Priorities;
import org.waldur.agent.auditor.priority.PriorityMode;
import org.waldur.agent.auditor.priority.ProvidedResources;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.record.RecordStream;
import org.waldur.agent.auditor.record.Score;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Throughput of the plugins' record handling, not a test (run by hand; timings on a shared machine are no
 * pass/fail):
 * <pre>
 * mvn -q -B -o test-compile
 * java -Xmx128m -cp target/classes:target/test-classes:$(cat target/cp.txt) org.waldur.agent.auditor.AuditorPluginsBench 1000000
 * </pre>
 * (target/cp.txt from {@code mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt}.)
 * Prints: the GET /records body (AUDITOR's concatenated form) parsed and summed per group as the priority plugin
 * does, in records/s; the same records grouped into an APEL month as the publisher does; peak heap.
 */
public final class AuditorPluginsBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        Path file = Files.createTempFile("records", ".json");
        try (java.io.OutputStream body = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        for (int i = 0; i < n; i++) {
            Instant stop = t0.plusSeconds((long) i * 28 * 86400 / n);
            body.write(RecordJson.MAPPER.writeValueAsBytes(Record.of("slurm-" + i, Map.of("site_id", List.of("siteA"),
                            "group_id", List.of("group" + (i % 8)), "voms", List.of("/vo" + (i % 3) + "/Role=production"),
                            "headnode", List.of("ce" + (i % 2) + ".example.org")),
                    List.of(new Component("NumCPUs", 1 + i % 16, List.of(new Score("HEPSPEC", 10.0))),
                            new Component("Cores", 1 + i % 16, List.of(new Score("hepscore23", 10.5))),
                            new Component("TotalCPU", 3600L * (1 + i % 16), List.of()), new Component("NNodes", 1, List.of())),
                    stop.minusSeconds(3600 + i % 7200), stop)));
        }
        }
        long size = Files.size(file);
        System.out.printf("body: %d records, %.1f MB (AUDITOR's concatenated form, in a file)%n", n, size / 1e6);

        Path prio = Files.createTempFile("bench", ".yaml");
        StringBuilder groups = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            groups.append("  group").append(g).append(": [part").append(g).append("]\n");
        }
        Files.writeString(prio, "components:\n  NumCPUs: HEPSPEC\ngroup_mapping:\n" + groups);
        PriorityConfig pc = PriorityConfig.load(prio);
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            ProvidedResources.Accumulator acc = new ProvidedResources(pc).start();
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                RecordStream.read(in, acc::add);
            }
            Priorities.Result p = Priorities.compute(acc.result().perGroup(), PriorityMode.SCALED_BY_SUM, 1, 65335);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("priority: stream parse + resources + priorities: %.2f s, %,.0f records/s (%s)%n", s, n / s,
                    p.priorities().get("group0"));
        }

        ApelConfig ac = ApelConfig.load(Path.of("src/test/resources/auditor/apel-worked-example.yaml"));
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            ApelSummary summary = new ApelSummary(ac, "SITE_A");
            List<Record> day = new ArrayList<>();
            long[] current = {-1};
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                RecordStream.read(in, r -> {
                    long d = r.stopTime().getEpochSecond() / 86400;
                    if (d != current[0] && !day.isEmpty()) {
                        summary.addDay(day);
                        day.clear();
                    }
                    current[0] = d;
                    day.add(r);
                });
            }
            summary.addDay(day);
            String msg = summary.summaryMessage();
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("apel: stream parse + a month of %d records (one day in memory at a time) into %d summaries: "
                    + "%.2f s, %,.0f records/s%n", summary.records(), msg.split("%%").length - 1, s, n / s);
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(m -> m.getType() == java.lang.management.MemoryType.HEAP).mapToLong(m -> m.getPeakUsage().getUsed()).sum();
        System.out.printf("sum of the heap pools' peaks (not simultaneous): %.0f MB, under -Xmx %.0f MB%n", peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        Files.delete(file);
    }
}
