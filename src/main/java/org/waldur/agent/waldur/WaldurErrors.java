package org.waldur.agent.waldur;

import org.apache.camel.http.base.HttpOperationFailedException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Waldur failures in two kinds: transient — 429, every 5xx, timeouts and connection errors —
 * are retried with backoff and then left for the next cycle, never turned into an erred order; every other 4xx
 * is permanent and logged with the response body.
 */
public final class WaldurErrors {
    private WaldurErrors() {
    }

    /** How a failed item (an order, a resource) ends: left for the next cycle, or erred with {@code reason}. */
    public record Failure(boolean transientTrouble, String reason) {
    }

    /**
     * The one classifier for a failed item: transient Waldur trouble leaves it for the next cycle; a permanent
     * Waldur answer errs it with status, path and body; anything else (a SLURM refusal, an unsafe name, a planning
     * conflict) errs it with its own message.
     */
    public static Failure classify(Throwable t) {
        if (isTransient(t)) {
            return new Failure(true, describe(t));
        }
        if (transitionAlreadyHappened(t)) {
            // a lost response: the first attempt was applied; the next cycle reads where the item stands
            return new Failure(true, describe(t) + " (already applied; taken up again next cycle)");
        }
        if (t instanceof HttpOperationFailedException || t.getCause() instanceof HttpOperationFailedException) {
            return new Failure(false, describe(t));
        }
        return new Failure(false, t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException h) {
                return h.getStatusCode() == 429 || h.getStatusCode() >= 500;
            }
            if (c instanceof WaldurClient.WaldurHttpException w) {
                return w.status == 429 || w.status >= 500;
            }
            if (c instanceof IOException || c instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waldur refused a state transition because the object is no longer in the state it requires — 409 (or 400)
     * "Valid states for operation: …". After a lost response and a retry this is the normal answer: the first
     * attempt was applied. Never a reason to err an order; the next cycle reads where it stands.
     */
    public static boolean transitionAlreadyHappened(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException h) {
                String body = h.getResponseBody() == null ? "" : h.getResponseBody();
                return (h.getStatusCode() == 409 || h.getStatusCode() == 400) && body.contains("Valid states for operation");
            }
        }
        return false;
    }

    /** Longest wait a Retry-After gets: as the backoff's maximumRedeliveryDelay (routes/waldur.camel.yaml). */
    static final long MAX_RETRY_AFTER_MS = 60_000;

    /**
     * The wait Waldur asks for with a 429 (or 503) and {@code Retry-After: <seconds>} (DRF throttling sends seconds),
     * capped at {@link #MAX_RETRY_AFTER_MS}; null when it asks none.
     */
    public static Long retryAfterMillis(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException h && h.getResponseHeaders() != null) {
                for (java.util.Map.Entry<String, String> e : h.getResponseHeaders().entrySet()) {
                    if ("Retry-After".equalsIgnoreCase(e.getKey()) && e.getValue() != null) {
                        try {
                            return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Long.parseLong(e.getValue().trim())) * 1000);
                        } catch (NumberFormatException notSeconds) {
                            return null;
                        }
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** One line for the log or an order's error: status, URL path and the body Waldur sent (never headers). */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException h) {
                String body = h.getResponseBody() == null ? "" : h.getResponseBody().replaceAll("\\s+", " ");
                if (body.length() > 500) {
                    body = body.substring(0, 500) + "…";
                }
                return "Waldur answered " + h.getStatusCode() + " for " + stripQuery(h.getUri()) + ": " + body;
            }
            if (c instanceof WaldurClient.WaldurHttpException) {
                return "Waldur " + c.getMessage();
            }
            if (c instanceof IOException) {
                return "Waldur unreachable: " + c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String stripQuery(String uri) {
        if (uri == null) {
            return "";
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
