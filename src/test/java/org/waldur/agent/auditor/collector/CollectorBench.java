package org.waldur.agent.auditor.collector;

import org.apache.camel.main.Main;
import org.waldur.agent.slurm.SlurmExec;
import org.waldur.agent.slurm.SlurmResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Collector throughput, not a test (run by hand; timings on a shared machine are no pass/fail):
 * <pre>
 * mvn -q -B -o test-compile
 * java -Xmx256m -cp target/classes:target/test-classes:$(cat target/cp.txt) org.waldur.agent.auditor.collector.CollectorBench 100000
 * </pre>
 * ({@code mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt} writes cp.txt.)
 * Phase 1: N jobs of sacct output (AUDITOR's test config: 13 fields, a .batch row each) → records → ONE outbox
 * commit, as one poll does. Phase 2: the shipped routes send the outbox to an in-process fake AUDITOR
 * (batches of 500 to POST /records) until the server holds all N.
 */
public final class CollectorBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (FakeAuditor server = FakeAuditor.start()) {
            Path db = Files.createTempDirectory("collector-bench").resolve("outbox.db");
            CollectorConfig config = CollectorConfigTest.parse(CollectorConfigTest.AUDITOR_TEST_CONFIG, Map.of(
                    "AUDITOR_SLURM_COLLECTOR_ADDR", "127.0.0.1", "AUDITOR_SLURM_COLLECTOR_PORT", Integer.toString(server.port()),
                    "AUDITOR_SLURM_COLLECTOR_JOB_FILTER__ACCOUNT", "aucol_bench_none"));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String id = Integer.toString(1_000_000 + i);
                out.append(i % 2 == 0 ? "part1" : "part2").append("|{ 'voms': '/atlas/Role=production', 'subject': '/x' }|")
                        .append(1 + i % 16).append("|00:01.500|12:00:00|").append(2000 + i % 100).append("M|").append(id)
                        .append("|1796089478|").append(1796089480 + i).append("|lab|alice|COMPLETED|vm\n")
                        .append("||").append(1 + i % 16).append("|00:01.500|12:00:00||").append(id)
                        .append(".batch|1796089478|").append(1796089480 + i).append("|||COMPLETED|vm\n");
            }
            Outbox outbox = new Outbox(db);
            CollectorStatus status = new CollectorStatus(null, outbox);
            CollectorPoll poll = new CollectorPoll(config, outbox, status, Instant::now);
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            CollectorPoll.Result r = poll.ingest(new org.waldur.agent.slurm.StreamedResult(SlurmResult.of(0, "", ""),
                    new java.io.ByteArrayInputStream(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))), Instant.ofEpochSecond(1796089480L + n));
            double s1 = (System.nanoTime() - t0) / 1e9;
            double cpu1 = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf("poll:  %d jobs → %d records in the outbox in %.2f s wall (%.2f s CPU) = %.0f records/s "
                    + "(%.0f per CPU-second)%n", n, r.queued(), s1, cpu1, r.queued() / s1, r.queued() / cpu1);

            Main main = new Main();
            main.bind("slurmExec", new SlurmExec(false));
            main.bind("fileBackedExec", new org.waldur.agent.slurm.FileBackedExecutor());
            main.bind("collectorPoll", poll);
            main.bind("collectorSender", new CollectorSender(outbox, status, config.serverUrl(), 500,
                    new Outbox.Backoff(1000, 60_000), System::currentTimeMillis));
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:routes/slurm.camel.yaml,file:routes/auditor-slurm-collector.camel.yaml");
            main.addOverrideProperty("camel.main.routes-exclude-pattern", "**/none-excluded");
            main.addOverrideProperty("auditor.collector.sacct-period-ms", "3600000");
            main.addOverrideProperty("auditor.collector.sender-period-ms", "100");
            Thread camel = new Thread(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            camel.start();
            while (server.records().isEmpty()) {
                Thread.sleep(5);
            }
            long t1 = System.nanoTime();
            while (server.records().size() < n) {
                Thread.sleep(20);
            }
            double s2 = (System.nanoTime() - t1) / 1e9;
            System.out.printf("send:  %d records POSTed (batches of 500) in %.2f s = %.0f records/s, %d requests; outbox left %d%n",
                    n, s2, n / s2, server.posts(), outbox.pending());
            Runtime rt = Runtime.getRuntime();
            System.out.printf("heap:  %d MB used of %d MB max%n", (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
            main.completed();
            camel.join(30_000);
            System.exit(0);
        }
    }
}
