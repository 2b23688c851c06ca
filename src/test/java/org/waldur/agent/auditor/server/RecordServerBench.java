package org.waldur.agent.auditor.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Ingest and streaming rates of the record server, not a test (timings on a shared machine are no pass/fail):
 * <pre>
 * mvn -q -B -o package -DskipTests
 * java -cp "target/test-classes:target/dist/waldur-camel-agent/waldur-camel-agent.jar:target/dist/waldur-camel-agent/lib/*" \
 *     org.waldur.agent.auditor.server.RecordServerBench 1000000 5000
 * </pre>
 * Starts the distribution's launcher ({@code bin/waldur-camel-agent auditor}) as its own process with
 * {@code JAVA_OPTS} (default {@code -Xmx256m -XX:+UseSerialGC}; set BENCH_JAVA_OPTS to change) on a fresh
 * embedded store, POSTs N records to /records in batches from two senders, then reads them all back with one GET /records, and
 * prints records/s for both and the server's peak heap, sampled from its own /metrics
 * ({@code jvm_memory_used_bytes{area="heap"}}, and the live set after GC, {@code jvm_gc_live_data_size_bytes})
 * every 200 ms. Checks that every record came back.
 */
public final class RecordServerBench {
    private static final int SENDERS = 2;
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    /** Old-generation occupancy after the last collection: the live set, which is what -Xmx must hold. */
    private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes (\\S+)$", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        Path dist = Path.of("target/dist/waldur-camel-agent");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "waldur-camel-agent-auditor-bench");
        Path pgdata = work.resolve("data/pgdata");
        if (Files.exists(pgdata)) {
            try (Stream<Path> s = Files.walk(pgdata)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(work);
        int port = RunningServer.freePort();
        Path config = work.resolve("auditor.yaml");
        Files.writeString(config, "application:\n  port: " + port + "\ndatabase:\n  kind: embedded\n  path: "
                + work.resolve("data") + "\nlog_level: warn\n");
        String javaOpts = System.getenv().getOrDefault("BENCH_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/waldur-camel-agent").toString(), "auditor", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        pb.environment().put("JAVA_OPTS", javaOpts);
        Process server = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakLive = new AtomicLong();
        try {
            waitHealthy(http, base, server);
            Thread sampler = new Thread(() -> sample(http, base, peakHeap, peakLive), "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            System.out.printf("server: %s, JAVA_OPTS=%s, %d records in batches of %d%n", dist, javaOpts, total, batch);

            long t0 = System.nanoTime();
            // two senders, as two collectors would: one builds its next batch while the server stores the other's
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(SENDERS);
            List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                running.add(senders.submit(() -> {
                    int from;
                    while ((from = next.getAndAdd(batch)) < total) {
                        String body = batchBody(from, Math.min(batch, total - from));
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/records"))
                                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("POST /records: " + r.statusCode() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
            senders.shutdown();
            double ingest = seconds(t0);
            long heapIngest = peakHeap.get();
            System.out.printf("ingest:  %,d records in %.1f s = %,.0f records/s (POST /records, %d senders), "
                    + "peak heap used %,d MB, peak live after GC %,d MB%n",
                    total, ingest, total / ingest, SENDERS, heapIngest >> 20, peakLive.get() >> 20);
            peakHeap.set(0);
            peakLive.set(0);

            long t1 = System.nanoTime();
            long lines = 0;
            long bytes = 0;
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/records"))
                    .timeout(Duration.ofMinutes(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            double stream = seconds(t1);
            System.out.printf("stream:  %,d records (%,d MB) in %.1f s = %,.0f records/s (GET /records), "
                    + "peak heap used %,d MB, peak live after GC %,d MB%n",
                    lines, bytes >> 20, stream, lines / stream, peakHeap.get() >> 20, peakLive.get() >> 20);
            System.out.printf("machine: %d CPUs, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (lines != total) {
                throw new IllegalStateException("expected " + total + " records back, got " + lines);
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static String batchBody(int from, int n) {
        StringBuilder sb = new StringBuilder(n * 330).append('[');
        for (int i = 0; i < n; i++) {
            int k = from + i;
            if (i > 0) {
                sb.append(',');
            }
            long start = 1_700_000_000L + k * 7L;
            sb.append("{\"record_id\":\"bench-").append(k)
                    .append("\",\"meta\":{\"site_id\":[\"site-").append(k % 5).append("\"],\"user_id\":[\"user-")
                    .append(k % 997).append("\"],\"group_id\":[\"group-").append(k % 31).append("\"]},")
                    .append("\"components\":[{\"name\":\"Cores\",\"amount\":").append(1 + k % 64)
                    .append(",\"scores\":[{\"name\":\"HEPSPEC06\",\"value\":10.5}]},{\"name\":\"Memory\",\"amount\":")
                    .append(1024L * (1 + k % 128)).append(",\"scores\":[]}],\"start_time\":\"")
                    .append(java.time.Instant.ofEpochSecond(start)).append("\",\"stop_time\":\"")
                    .append(java.time.Instant.ofEpochSecond(start + 3600 + k % 1000, 123456000L)).append("\"}");
        }
        return sb.append(']').toString();
    }

    private static void waitHealthy(HttpClient http, URI base, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited " + server.exitValue() + "; see its log");
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/health_check")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server not healthy after 3 minutes");
    }

    private static void sample(HttpClient http, URI base, AtomicLong peak, AtomicLong peakLive) {
        while (true) {
            try {
                String text = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                Matcher m = HEAP.matcher(text);
                long sum = 0;
                while (m.find()) {
                    sum += (long) Double.parseDouble(m.group(1));
                }
                peak.accumulateAndGet(sum, Math::max);
                Matcher live = LIVE.matcher(text);
                if (live.find()) {
                    peakLive.accumulateAndGet((long) Double.parseDouble(live.group(1)), Math::max);
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the server is busy or gone; try again
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
