package org.waldur.agent.fake;

import java.util.List;
import java.util.Map;

/** An error answer of the fake: HTTP status plus a DRF-shaped JSON body. Thrown by handlers, rendered by the front. */
final class ApiError extends RuntimeException {
    final int status;
    final transient Object body;

    ApiError(int status, Object body) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
    }

    static ApiError detail(int status, String detail) {
        return new ApiError(status, Map.of("detail", detail));
    }

    /** 400 {"field": ["msg"]}. */
    static ApiError field(String field, String message) {
        return new ApiError(400, Map.of(field, List.of(message)));
    }

    static ApiError notFound(String model) {
        return detail(404, "No " + model + " matches the given query.");
    }

    /** 409 as raised by Waldur's state validators. */
    static ApiError states(String... valid) {
        return detail(409, "Valid states for operation: " + String.join(", ", valid) + ".");
    }
}
