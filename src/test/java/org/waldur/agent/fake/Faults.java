package org.waldur.agent.fake;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/** Injected failures and delays. Thread-safe; consulted by the front before authentication and routing. */
final class Faults {
    private static final class Rule {
        final String method;
        final Pattern path;
        final int status;
        int remaining;
        final long millis;

        Rule(String method, String pathRegex, int status, int remaining, long millis) {
            this.method = method == null || "*".equals(method) ? null : method.toUpperCase();
            this.path = Pattern.compile(pathRegex == null ? ".*" : pathRegex);
            this.status = status;
            this.remaining = remaining;
            this.millis = millis;
        }

        boolean matches(String m, String p) {
            return (method == null || method.equals(m)) && path.matcher(p).matches();
        }
    }

    private int failNextTimes;
    private int failNextStatus;
    private final List<Rule> failures = new ArrayList<>();
    private final List<Rule> delays = new ArrayList<>();
    private final List<Rule> drops = new ArrayList<>();
    private volatile boolean down;

    synchronized void failNext(int times, int status) {
        failNextTimes = times;
        failNextStatus = status;
    }

    synchronized void failMatching(String method, String pathRegex, int status, int times) {
        failures.add(new Rule(method, pathRegex, status, times, 0));
    }

    /** Matching requests are applied, then the connection is closed with no response ({@code times < 0}: until cleared). */
    synchronized void dropAfterApplying(String method, String pathRegex, int times) {
        drops.add(new Rule(method, pathRegex, 0, times, 0));
    }

    /** Whether this request's response is to be lost (consuming one use). */
    synchronized boolean takeDrop(String method, String path) {
        for (Iterator<Rule> it = drops.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.remaining != 0 && r.matches(method, path)) {
                if (r.remaining > 0 && --r.remaining == 0) {
                    it.remove();
                }
                return true;
            }
        }
        return false;
    }

    synchronized void delayMatching(String method, String pathRegex, long millis) {
        delays.add(new Rule(method, pathRegex, 0, -1, millis));
    }

    /** Until when (epoch ms) a 429's Retry-After asks a client to leave each "METHOD path" alone. */
    private final java.util.Map<String, Long> throttledUntil = new java.util.HashMap<>();
    private int earlyRetries;

    /** A 429 with Retry-After went out for this request. */
    synchronized void throttled(String method, String path, long retryAfterMillis) {
        throttledUntil.put(method + " " + path, System.currentTimeMillis() + retryAfterMillis);
    }

    /** Counts a request that came back before its Retry-After had passed. */
    synchronized void arrived(String method, String path) {
        Long until = throttledUntil.get(method + " " + path);
        if (until != null && System.currentTimeMillis() < until) {
            earlyRetries++;
        }
    }

    synchronized int earlyRetries() {
        return earlyRetries;
    }

    synchronized void clear() {
        failNextTimes = 0;
        failures.clear();
        delays.clear();
        drops.clear();
    }

    void setDown(boolean value) {
        down = value;
    }

    boolean down() {
        return down;
    }

    /** Status to inject for this request (consuming one use), or 0 for none. */
    synchronized int take(String method, String path) {
        if (failNextTimes > 0) {
            failNextTimes--;
            return failNextStatus;
        }
        for (Iterator<Rule> it = failures.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.remaining != 0 && r.matches(method, path)) {
                if (r.remaining > 0 && --r.remaining == 0) {
                    it.remove();
                }
                return r.status;
            }
        }
        return 0;
    }

    synchronized long delay(String method, String path) {
        long max = 0;
        for (Rule r : delays) {
            if (r.matches(method, path)) {
                max = Math.max(max, r.millis);
            }
        }
        return max;
    }
}
