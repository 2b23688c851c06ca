package org.waldur.agent.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Request log, contract violations and (opt-in) response-schema issues of one fake. Thread-safe. */
final class Recorder {
    /** Mutable twin of {@link FakeWaldur.RecordedRequest}: the status is known only after dispatch. */
    static final class Entry {
        final String method, path, query, body;
        /** System.nanoTime() on arrival: benches measure a launched agent's time to its first request. */
        final long arrivedNanos = System.nanoTime();
        volatile int status;

        Entry(String method, String path, String query, String body) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.body = body;
        }
    }

    private final OpenApiCheck openApi;
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> responseIssues = new ArrayList<>();
    private volatile boolean checkResponses;

    Recorder(OpenApiCheck openApi) {
        this.openApi = openApi;
    }

    OpenApiCheck openApi() {
        return openApi;
    }

    Entry record(String method, String path, String query, String body) {
        Entry e = new Entry(method, path, query, body);
        synchronized (entries) {
            entries.add(e);
        }
        return e;
    }

    List<FakeWaldur.RecordedRequest> requests() {
        synchronized (entries) {
            return entries.stream()
                    .map(e -> new FakeWaldur.RecordedRequest(e.method, e.path, e.query, e.body, e.status)).toList();
        }
    }

    long count(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return requests().stream()
                .filter(r -> method == null || "*".equals(method) || r.method().equalsIgnoreCase(method))
                .filter(r -> p.matcher(r.path()).matches())
                .count();
    }

    /** System.nanoTime() at which the first recorded request arrived, or -1 when none has. */
    long firstArrivalNanos() {
        synchronized (entries) {
            return entries.stream().mapToLong(e -> e.arrivedNanos).min().orElse(-1);
        }
    }

    void clearRequests() {
        synchronized (entries) {
            entries.clear();
        }
    }

    void violation(String message) {
        synchronized (violations) {
            violations.add(message);
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    void clearViolations() {
        synchronized (violations) {
            violations.clear();
        }
    }

    void checkResponses(boolean on) {
        checkResponses = on;
    }

    List<String> responseIssues() {
        synchronized (responseIssues) {
            return List.copyOf(responseIssues);
        }
    }

    /** Lenient response validation (2xx JSON answers only), when enabled; never counted as a violation. */
    void checkResponse(ApiRequest req, ApiResponse resp) {
        if (!checkResponses || resp.status >= 300 || "HEAD".equals(req.method)) {
            return;
        }
        String body = resp.json();
        List<String> issues = openApi.validateResponse(req.method, req.path, resp.status,
                body == null ? null : "application/json", body);
        synchronized (responseIssues) {
            responseIssues.addAll(issues);
        }
    }
}
