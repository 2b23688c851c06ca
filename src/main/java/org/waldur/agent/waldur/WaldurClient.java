package org.waldur.agent.waldur;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.waldur.agent.config.OfferingConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A blocking Waldur client for the one-shot operator commands (load-components, diagnostics), which run before or
 * beside the agent and need no Camel context. Same credentials ({@link WaldurAuth}) and User-Agent as the routes;
 * paths are relative to the offering's API URL, as in the routes' {@code waldurPath}.
 */
public final class WaldurClient {
    /** A non-2xx answer: the status and Waldur's body (never the request headers). */
    public static final class WaldurHttpException extends IOException {
        public final int status;

        WaldurHttpException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final OfferingConfig offering;
    private final WaldurAuth auth;
    private final String userAgent;
    private final HttpClient http;

    public WaldurClient(OfferingConfig offering, WaldurAuth auth, String userAgent) {
        this.offering = offering;
        this.auth = auth;
        this.userAgent = userAgent;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (!offering.verifySsl()) {
            b.sslContext(TrustAllCertificates.sslContext());
        }
        this.http = b.build();
    }

    public JsonNode get(String path) throws IOException {
        return send("GET", path, null);
    }

    /** Every page of a list endpoint, joined (Waldur's {@code Link: rel="next"}). */
    public ArrayNode list(String pathAndQuery) throws IOException {
        ArrayNode all = WaldurJson.MAPPER.createArrayNode();
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        for (int page = 1; ; page++) {
            HttpResponse<String> r = exchange("GET", pathAndQuery + sep + "page=" + page + "&page_size=" + LinkPager.PAGE_SIZE, null);
            JsonNode body = WaldurJson.MAPPER.readTree(r.body());
            body.forEach(all::add);
            boolean next = r.headers().allValues("Link").stream().anyMatch(l -> l.contains("rel=\"next\""));
            if (!next || body.isEmpty()) {
                return all;
            }
        }
    }

    public JsonNode post(String path, Object body) throws IOException {
        return send("POST", path, WaldurJson.write(body));
    }

    private JsonNode send(String method, String path, String body) throws IOException {
        String text = exchange(method, path, body).body();
        return text == null || text.isBlank() ? WaldurJson.MAPPER.nullNode() : WaldurJson.MAPPER.readTree(text);
    }

    private HttpResponse<String> exchange(String method, String path, String body) throws IOException {
        URI uri = offering.apiUrl().resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", auth.header(offering))
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() / 100 != 2) {
            String text = r.body() == null ? "" : r.body();
            throw new WaldurHttpException(r.statusCode(), method + " " + uri.getPath() + " answered HTTP " + r.statusCode()
                    + (text.isBlank() ? "" : ": " + (text.length() > 500 ? text.substring(0, 500) + "…" : text)));
        }
        return r;
    }
}
