package org.waldur.agent.auditor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A small AUDITOR-compatible record server for the plugin tests, until the project's own server (issue 15) is on
 * main: {@code POST /record}, {@code POST /records}, and {@code GET /records} with the query subset the plugins
 * send (auditor.md §2.3: {@code start_time}/{@code stop_time}/{@code runtime} with gt/gte/lt/lte, {@code
 * meta[k][c][i]}), answering in AUDITOR's concatenated form or, to test the readers, newline-separated or as an
 * array. It keeps every query it was asked, for assertions.
 */
public final class FakeAuditorServer implements AutoCloseable {
    public enum Format { CONCATENATED, NEWLINES, ARRAY }

    private final HttpServer server;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    public final List<String> queries = new CopyOnWriteArrayList<>();
    public volatile Format format = Format.CONCATENATED;
    /** While true, every request answers 503 (a server that is down behind a proxy). */
    public volatile boolean down;

    public FakeAuditorServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public void add(Record... rs) {
        records.addAll(List.of(rs));
    }

    /** Adds records written as AUDITOR's curl fixtures write them (RecordAdd JSON, runtime computed here). */
    public void addJson(String json) throws IOException {
        Record r = RecordJson.MAPPER.readValue(json, Record.class);
        records.add(Record.of(r.recordId(), r.meta(), r.components(), r.startTime(), r.stopTime()));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (down) {
                reply(ex, 503, "down");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (method.equals("POST") && path.equals("/record")) {
                addJson(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                reply(ex, 200, "");
            } else if (method.equals("POST") && path.equals("/records")) {
                List<Record> rs = RecordJson.MAPPER.readValue(ex.getRequestBody(), new TypeReference<List<Record>>() { });
                for (Record r : rs) {
                    records.add(Record.of(r.recordId(), r.meta(), r.components(), r.startTime(), r.stopTime()));
                }
                reply(ex, 200, "");
            } else if (method.equals("GET") && path.equals("/records")) {
                String q = ex.getRequestURI().getRawQuery();
                queries.add(q == null ? "" : q);
                Predicate<Record> filter = filter(q);
                List<Record> out = records.stream().filter(filter)
                        .sorted(Comparator.comparing(Record::stopTime, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
                StringBuilder body = new StringBuilder(format == Format.ARRAY ? "[" : "");
                for (int i = 0; i < out.size(); i++) {
                    if (i > 0 && format == Format.ARRAY) {
                        body.append(',');
                    }
                    body.append(RecordJson.MAPPER.writeValueAsString(out.get(i)));
                    if (format == Format.NEWLINES) {
                        body.append('\n');
                    }
                }
                body.append(format == Format.ARRAY ? "]" : "");
                ex.getResponseHeaders().set("Content-Type", "application/json");
                reply(ex, 200, body.toString());
            } else {
                reply(ex, 404, "The requested resource was not found. 404 Not Found");
            }
        } catch (RuntimeException e) {
            reply(ex, 400, "{\"error\":\"" + e.getMessage() + "\"}");
        }
    }

    /** AUDITOR's query subset: conditions are AND-ed; brackets must be literal as AUDITOR requires. */
    static Predicate<Record> filter(String rawQuery) {
        Predicate<Record> p = r -> true;
        if (rawQuery == null || rawQuery.isEmpty()) {
            return p;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = pair.substring(0, eq);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.contains("%5B") || key.contains("%5D")) {
                throw new IllegalArgumentException("encoded brackets in " + key);
            }
            if (key.startsWith("meta[")) {
                String metaKey = key.substring(5, key.indexOf(']'));
                p = p.and(r -> r.metaValues(metaKey).contains(value));
                continue;
            }
            String field = key.substring(0, key.indexOf('['));
            String op = key.substring(key.indexOf('[') + 1, key.indexOf(']'));
            if (field.equals("runtime")) {
                long n = Long.parseLong(value);
                p = p.and(r -> r.runtime() != null && compare(Long.compare(r.runtime(), n), op));
            } else {
                Instant t = OffsetDateTime.parse(value).toInstant();
                p = p.and(r -> {
                    Instant v = field.equals("start_time") ? r.startTime() : r.stopTime();
                    return v != null && compare(v.compareTo(t), op);
                });
            }
        }
        return p;
    }

    private static boolean compare(int c, String op) {
        return switch (op) {
            case "gt" -> c > 0;
            case "gte" -> c >= 0;
            case "lt" -> c < 0;
            case "lte" -> c <= 0;
            case "equals" -> c == 0;
            default -> throw new IllegalArgumentException("unknown operator " + op);
        };
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    public List<Record> records() {
        return new ArrayList<>(records);
    }

    public Map<String, Object> stats() {
        return Map.of("records", records.size(), "queries", queries.size());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
