package org.waldur.agent.fake;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, extra headers and a JSON-able body (null = empty body). */
final class ApiResponse {
    final int status;
    final Object body;
    final Map<String, String> headers = new LinkedHashMap<>();
    private String json;

    ApiResponse(int status, Object body) {
        this.status = status;
        this.body = body;
    }

    static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    static ApiResponse empty(int status) {
        return new ApiResponse(status, null);
    }

    static ApiResponse status(String text) {
        return ok(Map.of("status", text));
    }

    /**
     * The body as JSON text (null = empty body). Called first while the state lock is held, because bodies may
     * share maps with the live state; later calls return the same snapshot.
     */
    String json() {
        if (json == null && body != null) {
            json = Json.write(body);
        }
        return json;
    }

    ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
