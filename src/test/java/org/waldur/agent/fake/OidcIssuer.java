package org.waldur.agent.fake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OIDC token endpoint for the client-credentials grant (RFC 6749 §4.4) beside the fake Waldur: it checks the
 * client id and secret from the form body, issues opaque access tokens that expire after {@code expires_in}
 * seconds of real time, and the fake's authentication accepts {@code Bearer <token>} only while it is valid.
 */
final class OidcIssuer {
    private final String clientId;
    private final String clientSecret;
    private final long ttlSeconds;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger grants = new AtomicInteger();

    OidcIssuer(String clientId, String clientSecret, long ttlSeconds) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.ttlSeconds = ttlSeconds;
    }

    ApiResponse token(String form) {
        Map<String, String> f = new HashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                f.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"client_credentials".equals(f.get("grant_type"))) {
            return new ApiResponse(400, Map.of("error", "unsupported_grant_type"));
        }
        if (!clientId.equals(f.get("client_id")) || !clientSecret.equals(f.get("client_secret"))) {
            return new ApiResponse(401, Map.of("error", "invalid_client"));
        }
        String token = "oidc-" + UUID.randomUUID();
        tokens.put(token, Instant.now().plusSeconds(ttlSeconds));
        grants.incrementAndGet();
        return ApiResponse.ok(Map.of("access_token", token, "token_type", "Bearer", "expires_in", ttlSeconds));
    }

    boolean valid(String token) {
        Instant until = tokens.get(token);
        return until != null && Instant.now().isBefore(until);
    }

    int grants() {
        return grants.get();
    }
}
