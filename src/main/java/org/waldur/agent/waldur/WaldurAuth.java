package org.waldur.agent.waldur;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.OidcCredentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value of the {@code Authorization} header for an offering: {@code Token <waldur_api_token>}, or with OIDC
 * client credentials {@code Bearer <access token>} from the client-credentials grant (RFC 6749 §4.4, the secret
 * in the form body as the reference sends it). A token is reused until 30 s before its {@code expires_in}
 * (300 s when the answer has none, as the reference does: waldur-api.md §2), then fetched again.
 * Neither the secret nor a token is ever logged.
 */
public final class WaldurAuth {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.waldur.auth");
    static final Duration MARGIN = Duration.ofSeconds(30);
    static final long DEFAULT_TTL_SECONDS = 300;

    private record Cached(String token, Instant refreshAt) {
    }

    private final Clock clock;
    /**
     * Made on the first token request (under this object's monitor, as every fetch is): a JDK HttpClient loads the
     * default TLS context and starts a selector thread, start-up work an agent without OIDC never needs.
     */
    private HttpClient http;
    private final Map<OidcCredentials, Cached> cache = new ConcurrentHashMap<>();

    public WaldurAuth() {
        this(Clock.systemUTC());
    }

    public WaldurAuth(Clock clock) {
        this.clock = clock;
    }

    public String header(OfferingConfig offering) {
        OidcCredentials oidc = offering.oidc();
        if (oidc == null) {
            return "Token " + offering.token().reveal();
        }
        Cached c = cache.get(oidc);
        if (c == null || !clock.instant().isBefore(c.refreshAt())) {
            synchronized (this) {
                c = cache.get(oidc);
                if (c == null || !clock.instant().isBefore(c.refreshAt())) {
                    c = fetch(oidc);
                    cache.put(oidc, c);
                }
            }
        }
        return "Bearer " + c.token();
    }

    private Cached fetch(OidcCredentials oidc) {
        String form = "grant_type=client_credentials&client_id=" + enc(oidc.clientId())
                + "&client_secret=" + enc(oidc.clientSecret().reveal());
        HttpRequest req = HttpRequest.newBuilder(oidc.tokenUrl())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // An IOException: the route's error handler treats it as transient and retries.
            throw new UncheckedIOException(new IOException("OIDC token endpoint " + oidc.tokenUrl() + " unreachable: " + e.getMessage(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching an OIDC token", e);
        }
        if (resp.statusCode() >= 500 || resp.statusCode() == 429) {
            // The identity provider is briefly unwell: transient, like a Waldur 5xx (retried, the item waits).
            throw new UncheckedIOException(new IOException("OIDC token endpoint " + oidc.tokenUrl() + " answered "
                    + resp.statusCode()));
        }
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("OIDC token endpoint " + oidc.tokenUrl() + " answered " + resp.statusCode()
                    + " for client " + oidc.clientId());
        }
        JsonNode body;
        try {
            body = WaldurJson.MAPPER.readTree(resp.body());
        } catch (IOException e) {
            throw new IllegalStateException("OIDC token endpoint " + oidc.tokenUrl() + " answered no JSON");
        }
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new IllegalStateException("OIDC token endpoint " + oidc.tokenUrl() + " answered no access_token");
        }
        long ttl = body.path("expires_in").asLong(DEFAULT_TTL_SECONDS);
        Instant refreshAt = clock.instant().plusSeconds(ttl).minus(MARGIN);
        LOG.info("OIDC token for client {} fetched, valid for {} s", oidc.clientId(), ttl);
        return new Cached(token, refreshAt);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
