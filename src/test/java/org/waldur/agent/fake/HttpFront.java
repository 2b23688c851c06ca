package org.waldur.agent.fake;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP side of the fake: records each request, validates it against the OpenAPI schema, applies injected
 * faults, authenticates ({@code Authorization: Token <t>}), routes and renders JSON. Handlers run while holding
 * the {@link MarketplaceState} monitor; delays happen outside it.
 */
final class HttpFront implements HttpHandler {
    private final FakeWaldur fake;
    private final Recorder recorder;
    private final MarketplaceState state;
    private final Router router;
    private final Faults faults;
    private final String token;

    HttpFront(FakeWaldur fake, Recorder recorder, MarketplaceState state, Router router, Faults faults, String token) {
        this.fake = fake;
        this.recorder = recorder;
        this.state = state;
        this.router = router;
        this.faults = faults;
        this.token = token;
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** The most API requests the fake has been answering at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("/__fake/oidc/token") && "POST".equals(method)) {
                OidcIssuer issuer = fake.oidc();
                write(ex, method, issuer == null ? new ApiResponse(404, Map.of("detail", "Not found."))
                        : issuer.token(body));
                return;
            }
            if (path.startsWith("/__fake/")) {
                write(ex, method, admin(method, path));
                return;
            }
            Recorder.Entry entry = recorder.record(method, path, rawQuery, body);
            ApiResponse resp;
            try {
                ApiRequest req = new ApiRequest(method, path, rawQuery, body, origin(ex));
                Router.Match match = router.find(method, path);
                validate(req, ex.getRequestHeaders(), match);
                // counted from the request's arrival to its answer being ready, not while the answer is written:
                // a client may send its next request as soon as it has read this one's
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    resp = dispatch(ex, req, match);
                } finally {
                    inFlight.decrementAndGet();
                }
            } catch (RuntimeException | Error e) {
                recorder.violation("fake Waldur internal error on " + method + " " + path + ": " + e);
                resp = new ApiResponse(500, Map.of("detail", "Fake Waldur internal error: " + e));
            }
            entry.status = resp.status;
            if (resp.status < 400 && faults.takeDrop(method, path)) {
                entry.status = -1; // applied; the response is lost: closing before the headers drops the connection
                return;
            }
            write(ex, method, resp);
        }
    }

    private void validate(ApiRequest req, Headers headers, Router.Match match) {
        if (match.handler() == null) {
            recorder.violation("unknown endpoint: " + req.method + " " + req.path
                    + (match.pathKnown() ? " (method not served for this path)" : " (not served by the fake Waldur)"));
            return;
        }
        if (!req.path.startsWith("/api/")) {
            return;
        }
        for (String v : recorder.openApi().validateRequest(req.method, req.path, req.rawQuery, req.query, headers, req.body)) {
            recorder.violation(v);
        }
    }

    private ApiResponse dispatch(HttpExchange ex, ApiRequest req, Router.Match match) {
        if (faults.down()) {
            return new ApiResponse(503, Map.of("detail", "Service unavailable (fake Waldur is down)."));
        }
        long delay = faults.delay(req.method, req.path);
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        faults.arrived(req.method, req.path);
        int injected = faults.take(req.method, req.path);
        if (injected != 0) {
            ApiResponse r = new ApiResponse(injected, Map.of("detail", "Injected fault (HTTP " + injected + ")."));
            if (injected == 429) {
                faults.throttled(req.method, req.path, 1000);
                return r.header("Retry-After", "1");
            }
            return r;
        }
        ApiResponse auth = authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        if (auth != null) {
            return auth;
        }
        if (match.handler() == null) {
            return match.pathKnown()
                    ? new ApiResponse(405, Map.of("detail", "Method \"" + req.method + "\" not allowed."))
                    : new ApiResponse(404, Map.of("detail", "Not found."));
        }
        req.groups = match.groups();
        ApiResponse resp;
        synchronized (state) {
            try {
                resp = match.handler().handle(req);
            } catch (ApiError e) {
                resp = new ApiResponse(e.status, e.body);
            }
            resp.json();
        }
        recorder.checkResponse(req, resp);
        return resp;
    }

    /** DRF TokenAuthentication, and Bearer tokens once {@link FakeWaldur#enableOidc} is on; other schemes count as none. */
    private ApiResponse authenticate(String header) {
        String detail = null;
        if (header == null || header.isBlank()) {
            detail = "Authentication credentials were not provided.";
        } else {
            String[] parts = header.trim().split("\\s+");
            OidcIssuer issuer = fake.oidc();
            if ("bearer".equalsIgnoreCase(parts[0]) && issuer != null) {
                // waldurOIDCAuth: a token from the fake's OIDC endpoint, while it has not expired.
                return parts.length == 2 && issuer.valid(parts[1]) ? null
                        : new ApiResponse(401, Map.of("detail", "Invalid or expired bearer token.")).header("WWW-Authenticate", "Bearer");
            }
            if (!"token".equalsIgnoreCase(parts[0])) {
                detail = "Authentication credentials were not provided.";
            } else if (parts.length == 1) {
                detail = "Invalid token. No credentials provided.";
            } else if (parts.length > 2) {
                detail = "Invalid token. Token string should not contain spaces.";
            } else if (!parts[1].equals(token)) {
                detail = "Invalid token.";
            }
        }
        return detail == null ? null : new ApiResponse(401, Map.of("detail", detail)).header("WWW-Authenticate", "Token");
    }

    /** Test/demo helpers outside /api/: no auth, not recorded, not validated. */
    private ApiResponse admin(String method, String path) {
        if (!"GET".equals(method)) {
            return new ApiResponse(405, Map.of("detail", "Method \"" + method + "\" not allowed."));
        }
        return switch (path) {
            case "/__fake/state" -> ApiResponse.ok(fake.stateDump());
            case "/__fake/violations" -> ApiResponse.ok(fake.violations());
            case "/__fake/requests" -> ApiResponse.ok(fake.requests());
            default -> new ApiResponse(404, Map.of("detail", "Not found."));
        };
    }

    private String origin(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        return "http://" + (host == null || host.isBlank() ? "127.0.0.1:" + ex.getLocalAddress().getPort() : host);
    }

    private static void write(HttpExchange ex, String method, ApiResponse resp) throws IOException {
        Headers h = ex.getResponseHeaders();
        boolean head = "HEAD".equals(method);
        resp.headers.forEach((k, v) -> {
            if (!head || "X-Result-Count".equals(k) || "WWW-Authenticate".equals(k)) {
                h.set(k, v);
            }
        });
        byte[] bytes = resp.body == null || head ? null : resp.json().getBytes(StandardCharsets.UTF_8);
        if (bytes != null) {
            h.set("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(resp.status, bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
