package org.waldur.agent.fake;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, extra headers and a JSON-able body (null = empty body). */
final class ApiResponse {
    final int status;
    final Object body;
    final Map<String, String> headers = new LinkedHashMap<>();

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

    ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
