package org.waldur.agent.auditor.record;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * A reader of any AUDITOR-compatible server's {@code GET /records}: the query in the form AUDITOR's own clients
 * send (literal brackets, RFC 3339 with {@code +00:00} percent-encoded — auditor.md §2.3, which AUDITOR's strict
 * parser requires), the body streamed through {@link RecordStream}. Any non-2xx answer is an error.
 */
public final class RecordsClient {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    public RecordsClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** One query condition value: a timestamp as pyauditor sends it ({@code 2022-08-08T11%3A30%3A00%2B00%3A00}). */
    public static String time(Instant t) {
        return encode(RFC3339.format(t.atOffset(ZoneOffset.UTC)));
    }

    public static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** GET /records?{query} (query already encoded; empty = every record); returns the number of records read. */
    public long query(String query, Consumer<Record> sink) throws IOException {
        URI uri = URI.create(baseUrl + "/records" + (query == null || query.isEmpty() ? "" : "?" + query));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while querying " + uri, e);
        }
        try (InputStream body = resp.body()) {
            if (resp.statusCode() / 100 != 2) {
                String text = new String(body.readNBytes(500), StandardCharsets.UTF_8);
                throw new IOException("GET " + uri + " answered " + resp.statusCode() + ": " + text);
            }
            return RecordStream.read(body, sink);
        }
    }
}
