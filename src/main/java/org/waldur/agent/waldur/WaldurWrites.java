package org.waldur.agent.waldur;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lost responses (issue 9): a state-changing POST whose answer was a 5xx, a timeout or a dropped connection may
 * have been applied. Before sending it again, the object is read: if the change is already there, the POST
 * succeeded. A 409/400 "Valid states for operation" is read the same way, never taken as an error while the
 * object shows the change. routes/waldur.camel.yaml (waldur-write-checked) runs the loop; this class knows, per
 * POST, which read shows it and what "already there" means, and how long to wait (Waldur's Retry-After, else
 * exponential backoff). POSTs with no read that shows them (set_usage, set_user_usages…) are idempotent
 * replacements and are simply sent again by the error handler.
 */
public final class WaldurWrites {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.waldur");
    public static final String PROPERTY = "waldurWrite";
    private static final String UUID = "([0-9a-fA-F-]{32,36})";

    /** Which read shows a POST and when it shows it applied (the read's JSON, the POST's body). */
    private record Check(String readPath, String readQuery, BiPredicate<JsonNode, JsonNode> applied) {
    }

    private record Rule(Pattern path, String readPath, String readQuery, BiPredicate<JsonNode, JsonNode> applied) {
    }

    private static final Set<String> APPROVED = Set.of("executing", "done");
    private static final Rule[] RULES = {
            new Rule(Pattern.compile("marketplace-orders/" + UUID + "/approve_by_provider/"), "marketplace-orders/%s/",
                    "field=uuid&field=state", (o, b) -> APPROVED.contains(o.path("state").asText())),
            new Rule(Pattern.compile("marketplace-orders/" + UUID + "/set_state_done/"), "marketplace-orders/%s/",
                    "field=uuid&field=state", (o, b) -> "done".equals(o.path("state").asText())),
            new Rule(Pattern.compile("marketplace-orders/" + UUID + "/set_state_erred/"), "marketplace-orders/%s/",
                    "field=uuid&field=state", (o, b) -> "erred".equals(o.path("state").asText())),
            new Rule(Pattern.compile("marketplace-provider-resources/" + UUID + "/set_backend_id/"), "marketplace-provider-resources/%s/",
                    "field=uuid&field=backend_id", (r, b) -> r.path("backend_id").asText("").equals(b.path("backend_id").asText())),
            new Rule(Pattern.compile("marketplace-provider-resources/" + UUID + "/set_limits/"), "marketplace-provider-resources/%s/",
                    "field=uuid&field=limits", (r, b) -> sameLimits(r.path("limits"), b.path("limits"))),
            new Rule(Pattern.compile("marketplace-provider-resources/" + UUID + "/set_as_erred/"), "marketplace-provider-resources/%s/",
                    "field=uuid&field=state", (r, b) -> "Erred".equals(r.path("state").asText())),
    };

    /** One POST under way: what to send again, what to read, how often it failed. */
    public static final class Pending {
        final String path;
        final String body;
        final Check check;
        int failures;
        Throwable lastFailure;
        private boolean pending = true;
        private long delayMs;

        Pending(String path, String body, Check check) {
            this.path = path;
            this.body = body;
            this.check = check;
        }

        public boolean isPending() {
            return pending;
        }

        public long getDelayMs() {
            return delayMs;
        }
    }

    private final int retries;
    private final long baseDelayMs;

    /** {@code retries} and {@code baseDelayMs}: agent.waldur.retries and agent.waldur.retry-delay-ms, as for reads. */
    public WaldurWrites(int retries, long baseDelayMs) {
        this.retries = retries;
        this.baseDelayMs = baseDelayMs;
    }

    /** Whether a read can tell that this POST (header waldurPath) was applied. */
    public boolean hasCheck(Exchange exchange) {
        return check(exchange.getMessage().getHeader(WaldurRequest.PATH, String.class)) != null;
    }

    static Check check(String path) {
        if (path == null) {
            return null;
        }
        for (Rule r : RULES) {
            Matcher m = r.path.matcher(path);
            if (m.matches()) {
                return new Check(String.format(r.readPath, m.group(1)), r.readQuery, r.applied);
            }
        }
        return null;
    }

    public void begin(Exchange exchange) {
        String path = exchange.getMessage().getHeader(WaldurRequest.PATH, String.class);
        Object body = exchange.getMessage().getBody();
        String json = body == null ? null : body instanceof String s ? s : WaldurJson.write(body);
        exchange.setProperty(PROPERTY, new Pending(path, json, check(path)));
    }

    /** Headers and body of the POST, for each attempt. */
    public void request(Exchange exchange) {
        Pending p = pending(exchange);
        exchange.getMessage().setHeader(WaldurRequest.METHOD, "POST");
        exchange.getMessage().setHeader(WaldurRequest.PATH, p.path);
        exchange.getMessage().removeHeader(WaldurRequest.QUERY);
        exchange.getMessage().setBody(p.body);
    }

    public void sent(Exchange exchange) {
        pending(exchange).pending = false;
    }

    /**
     * Counts a failure that may hide an applied change (transient trouble, or a 409/400 "Valid states for
     * operation") and sets the wait before the read: Retry-After when Waldur sent one, else exponential backoff.
     * Any other failure, or one past the last attempt, goes on to the caller (transient: the item waits for the
     * next cycle).
     */
    public void failed(Exchange exchange) throws Exception {
        Pending p = pending(exchange);
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        p.lastFailure = t;
        p.failures++;
        boolean transientTrouble = WaldurErrors.isTransient(t);
        // transient trouble may hide an applied change, and so may Waldur saying the state has moved on
        boolean mayHaveApplied = transientTrouble || WaldurErrors.transitionAlreadyHappened(t);
        if (!mayHaveApplied || (transientTrouble && p.failures > retries)) {
            throw asException(t);
        }
        Long retryAfter = WaldurErrors.retryAfterMillis(t);
        p.delayMs = !transientTrouble ? 0 : retryAfter != null ? retryAfter
                : Math.min(60_000, baseDelayMs * (1L << Math.min(16, p.failures - 1)));
        LOG.warn("POST {} failed ({}); reading whether it was applied before sending it again", p.path, WaldurErrors.describe(t));
    }

    /** Headers of the read that shows whether the POST was applied. */
    public void readRequest(Exchange exchange) {
        Pending p = pending(exchange);
        exchange.getMessage().setHeader(WaldurRequest.PATH, p.check.readPath);
        exchange.getMessage().setHeader(WaldurRequest.QUERY, p.check.readQuery);
    }

    /**
     * The read's answer: the change is there — success, whatever the POST's answer was. Not there after Waldur
     * refused the transition: that refusal goes on to the caller. Not there after transient trouble: sent again.
     */
    public void checked(Exchange exchange) throws Exception {
        Pending p = pending(exchange);
        JsonNode now = WaldurJson.read(exchange.getMessage().getBody(String.class), JsonNode.class);
        JsonNode sent = WaldurJson.read(p.body == null || p.body.isBlank() ? "{}" : p.body, JsonNode.class);
        if (p.check.applied.test(now, sent)) {
            LOG.info("POST {}: Waldur shows it applied; its lost or refused answer is taken as success", p.path);
            p.pending = false;
            exchange.getMessage().setBody("");
            return;
        }
        if (!WaldurErrors.isTransient(p.lastFailure)) {
            throw asException(p.lastFailure);
        }
    }

    private static Pending pending(Exchange exchange) {
        return Objects.requireNonNull(exchange.getProperty(PROPERTY, Pending.class), "no Waldur write under way");
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** Limits as Waldur renders them (numbers) against the body sent: equal as whole numbers, key by key. */
    static boolean sameLimits(JsonNode held, JsonNode sent) {
        return toLongs(held).equals(toLongs(sent));
    }

    private static Map<String, Long> toLongs(JsonNode limits) {
        Map<String, Long> out = new TreeMap<>();
        limits.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
