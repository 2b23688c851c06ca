package org.waldur.agent.auditor.priority;

import com.fasterxml.jackson.core.type.TypeReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.FakeAuditorServer;
import org.waldur.agent.auditor.PriorityPluginLauncher;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole plugin as an operator runs it — the launcher, the YAML routes, camel-exec running real processes —
 * against an AUDITOR-compatible server holding AUDITOR's 7-record fixture. The commands append to a file, which
 * is what the test reads back.
 */
class PriorityPluginRouteTest {
    private final FakeAuditorServer auditor = new FakeAuditorServer();
    private final Path dir = Files.createTempDirectory("prio");

    PriorityPluginRouteTest() throws IOException {
    }

    @AfterEach
    void stop() {
        auditor.close();
    }

    static List<Record> fixture() throws IOException {
        try (InputStream in = PriorityPluginRouteTest.class.getResourceAsStream("/auditor/priority-fixture.json")) {
            List<Record> add = RecordJson.MAPPER.readValue(in, new TypeReference<List<Record>>() { });
            return add.stream().map(r -> Record.of(r.recordId(), r.meta(), r.components(), r.startTime(), r.stopTime())).toList();
        }
    }

    private Path config(String mode, String extra) throws IOException {
        return config(dir, auditor.port(), mode, extra);
    }

    /** AUDITOR's fixture config for a server on {@code port}; the commands append to {@code dir}/out.txt. */
    static Path config(Path dir, int port, String mode, String extra) throws IOException {
        Path out = dir.resolve("out.txt");
        Path f = dir.resolve("config.yaml");
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
                commands:
                  - "/bin/sh -c 'echo {group} {1} {priority} {resource} >> %s'"
                frequency: 3600
                tls_config:
                  use_tls: false
                %s
                """.formatted(port, mode, out, extra));
        return f;
    }

    private List<String> out() throws IOException {
        return out(dir);
    }

    static List<String> out(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("out.txt"));
    }

    /** AUDITOR's golden priorities for the 7-record fixture (reference auditor.md §4.3), one line per group. */
    static final List<String> FULL_SPREAD = List.of("group1 part1 47041 17280", "group2 part2 48348 17760",
            "group3 part3 65335 24000", "group4 part4 1634 600", "group6 part6 1 0");
    static final List<String> SCALED_BY_SUM = List.of("group1 part1 18931 17280", "group2 part2 19457 17760",
            "group3 part3 26292 24000", "group4 part4 658 600", "group6 part6 1 0");

    @Test
    void fullSpreadSetsAuditorsGoldenPriorities() throws Exception {
        auditor.add(fixture().toArray(Record[]::new));
        assertEquals(0, PriorityPluginLauncher.run(config("FullSpread", ""), Path.of("routes"), true));
        assertEquals(FULL_SPREAD, out());
        assertEquals(List.of(""), auditor.queries, "no duration: every record, as AUDITOR asks");
    }

    @Test
    void scaledBySumFromANewlineSeparatedServer() throws Exception {
        auditor.add(fixture().toArray(Record[]::new));
        auditor.format = FakeAuditorServer.Format.NEWLINES;
        assertEquals(0, PriorityPluginLauncher.run(config("ScaledBySum", ""), Path.of("routes"), true));
        assertEquals(SCALED_BY_SUM, out());
    }

    @Test
    void durationAsksForRecordsStartedInTheWindowAndAnArrayIsReadToo() throws Exception {
        auditor.add(fixture().toArray(Record[]::new));
        auditor.format = FakeAuditorServer.Format.ARRAY;
        assertEquals(0, PriorityPluginLauncher.run(config("ScaledBySum", "duration: 1209600"), Path.of("routes"), true));
        assertEquals(1, auditor.queries.size());
        assertTrue(auditor.queries.get(0).matches("start_time\\[gte]=\\d{4}-\\d\\d-\\d\\dT\\d\\d%3A\\d\\d%3A\\d\\d%2B00%3A00"),
                auditor.queries.get(0));
        // the 2022 fixture is outside the window: nothing provided, so every group gets min_priority (policy)
        assertEquals(List.of("group1 part1 1 0", "group2 part2 1 0", "group3 part3 1 0", "group4 part4 1 0",
                "group6 part6 1 0"), out());
    }

    @Test
    void serverDownRunsNoCommandAndOnceExitsNonZero() throws Exception {
        auditor.down = true;
        assertEquals(1, PriorityPluginLauncher.run(config("ScaledBySum", ""), Path.of("routes"), true));
        assertTrue(Files.notExists(dir.resolve("out.txt")), "no command without fresh priorities");
    }

    @Test
    void aGarbledBodyIsAFailedReadNotAHang() throws Exception {
        // a server that cuts the stream off inside a record
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/records", ex -> {
            byte[] b = "{\"record_id\":\"1\",\"meta\":{\"group_id\":[\"group1\"]},\"compo".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        try {
            Path cfg = config("ScaledBySum", "");
            Files.writeString(cfg, Files.readString(cfg).replace("port: " + auditor.port(), "port: " + s.getAddress().getPort()));
            assertEquals(1, PriorityPluginLauncher.run(cfg, Path.of("routes"), true));
            assertTrue(Files.notExists(dir.resolve("out.txt")), "no command from a partial read");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aBadConfigExitsTwoWithoutStarting() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "components: {}\n");
        assertEquals(2, PriorityPluginLauncher.run(f, Path.of("routes"), true));
    }

    @Test
    void metricsEndpointKeepsTheLastPrioritiesWhileTheServerIsDownAndTellsHowStale() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        auditor.add(fixture().toArray(Record[]::new));
        Path cfg = config("ScaledBySum", """
                prometheus:
                  enable: true
                  addr: 127.0.0.1
                  port: %d
                  metrics: [ResourceUsage, Priority]
                """.formatted(port));
        Files.writeString(cfg, Files.readString(cfg).replace("frequency: 3600", "frequency: 1"));
        Path config = cfg;
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return PriorityPluginLauncher.run(config, Path.of("routes"), false, stopper -> stop = stopper);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            String metrics = scrapeUntil(port, "priority{group=\"group1\"} 18931.0");
            assertTrue(metrics.contains("resource_usage{group=\"group1\"} 17280.0"), metrics);
            assertTrue(metrics.contains("priority{group=\"group6\"} 1.0"), metrics);
            auditor.down = true;
            String stale = scrapeUntil(port, "priority_record_fetch_failures 2.0");
            assertTrue(stale.contains("priority{group=\"group1\"} 18931.0"), "last priorities kept: " + stale);
            long firstLines = out().size();
            Thread.sleep(1200);
            assertEquals(firstLines, out().size(), "no commands while the server is down");
        } finally {
            if (stop != null) {
                stop.run();
            }
            assertEquals(0, run.get(30, TimeUnit.SECONDS));
        }
    }

    private volatile Runnable stop;

    private static String scrapeUntil(int port, String wanted) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String last = "";
        for (int i = 0; i < 150; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200 && last.contains(wanted)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never saw '" + wanted + "' in: " + last);
    }
}
