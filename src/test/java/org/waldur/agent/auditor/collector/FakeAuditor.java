package org.waldur.agent.auditor.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.waldur.agent.auditor.record.RecordJson;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small AUDITOR-compatible record server for the collector's tests, keeping real state: {@code POST /record}
 * (500 + {@code RECORD_EXISTS} on a duplicate, 400 on a record AUDITOR would refuse), {@code POST /records}
 * (AUDITOR 0.11: all or nothing, {@code RECORD_EXISTS} when any is a duplicate), {@code GET /records}
 * (concatenated JSON objects), {@code GET /health_check}. Faults on demand: the next N requests answer 500, or
 * store the records and then drop the connection without an answer (the lost-response case), or the server is
 * stopped and restarted on the same port. Counts every POSTed record, duplicates included.
 */
public final class FakeAuditor implements AutoCloseable {
    private final Map<String, String> records = new LinkedHashMap<>();
    private final AtomicInteger fail500 = new AtomicInteger();
    private final AtomicInteger storeThenDrop = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger duplicatesPosted = new AtomicInteger();
    private final Map<String, Integer> refuse = new ConcurrentHashMap<>();
    private final int port;
    private HttpServer server;
    /** AUDITOR before POST /records existed: 404 on it. */
    public volatile boolean noBulk;
    /** AUDITOR with ignore_record_exists_error: true: a duplicate answers 200 + warning, a bulk is rolled back. */
    public volatile boolean ignoreRecordExists;

    private FakeAuditor(int port) {
        this.port = port;
    }

    public static FakeAuditor start() {
        return start(0);
    }

    public static FakeAuditor start(int port) {
        FakeAuditor f = new FakeAuditor(port);
        f.listen(port);
        return f;
    }

    public int port() {
        return server != null ? server.getAddress().getPort() : port;
    }

    private synchronized void listen(int p) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** Stops listening (connections are refused) until {@link #resume()}. */
    public synchronized void pause() {
        int p = server.getAddress().getPort();
        server.stop(0);
        server = null;
        pausedPort = p;
    }

    private int pausedPort;

    public synchronized void resume() {
        listen(pausedPort);
    }

    public void failNext(int n) {
        fail500.set(n);
    }

    public void storeThenDropNext(int n) {
        storeThenDrop.set(n);
    }

    /** Records with this id are answered with {@code status} (e.g. 403). */
    public void refuse(String recordId, int status) {
        refuse.put(recordId, status);
    }

    /** A record the server already holds (written by another collector, or before a lost outbox). */
    public synchronized void preload(String recordId) {
        records.put(recordId, "{\"record_id\":\"" + recordId + "\",\"components\":[]}");
    }

    public synchronized Map<String, String> records() {
        return new LinkedHashMap<>(records);
    }

    public synchronized JsonNode record(String id) throws IOException {
        String r = records.get(id);
        return r == null ? null : RecordJson.MAPPER.readTree(r);
    }

    public int posts() {
        return posts.get();
    }

    public int duplicatesPosted() {
        return duplicatesPosted.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        byte[] in = ex.getRequestBody().readAllBytes();
        if (method.equals("GET") && path.equals("/health_check")) {
            reply(ex, 200, "");
            return;
        }
        if (method.equals("GET") && path.equals("/records")) {
            StringBuilder sb = new StringBuilder();
            synchronized (this) {
                records.values().forEach(sb::append);
            }
            reply(ex, 200, sb.toString());
            return;
        }
        if (!method.equals("POST") || !(path.equals("/record") || path.equals("/records"))) {
            reply(ex, 404, "");
            return;
        }
        posts.incrementAndGet();
        if (noBulk && path.equals("/records")) {
            reply(ex, 404, "The requested resource was not found. 404 Not Found");
            return;
        }
        if (fail500.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply(ex, 500, "UNEXPECTED_ERROR");
            return;
        }
        List<JsonNode> batch = new ArrayList<>();
        try {
            JsonNode body = RecordJson.MAPPER.readTree(in);
            if (path.equals("/records")) {
                if (!body.isArray()) {
                    reply(ex, 400, "expected an array");
                    return;
                }
                body.forEach(batch::add);
            } else {
                batch.add(body);
            }
        } catch (IOException e) {
            reply(ex, 400, "bad JSON");
            return;
        }
        for (JsonNode r : batch) {
            if (!r.path("record_id").isTextual() || r.path("record_id").asText().isBlank() || !r.path("components").isArray()
                    || !r.path("start_time").isTextual()) {
                reply(ex, 400, "Json deserialize error: invalid record");
                return;
            }
            Integer refused = refuse.get(r.get("record_id").asText());
            if (refused != null) {
                reply(ex, refused, "refused by test");
                return;
            }
        }
        synchronized (this) {
            boolean dup = false;
            for (JsonNode r : batch) {
                if (records.containsKey(r.get("record_id").asText())) {
                    duplicatesPosted.incrementAndGet();
                    dup = true;
                }
            }
            if (dup) {
                if (ignoreRecordExists) {
                    reply(ex, 200, "{\"warning\": \"record already exists\"}");
                } else {
                    reply(ex, 500, "RECORD_EXISTS");
                }
                return;
            }
            for (JsonNode r : batch) {
                records.put(r.get("record_id").asText(), r.toString());
            }
        }
        if (storeThenDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("test: stored, then the answer is lost");
        }
        reply(ex, 200, "");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
        ex.close();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
