package org.waldur.agent.events;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delay before the n-th reconnection attempt: doubling from {@code base} up to {@code cap}, then "equal jitter"
 * (a random point in the upper half). Many agents cut off by one broker restart therefore come back spread over
 * seconds instead of all at once — the reference agent reconnected on a fixed schedule and stormed the broker.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random;

    public Backoff(Duration base, Duration cap, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got " + base + " and " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** attempt 0 is the first retry after a failure. */
    public Duration delay(int attempt) {
        long ceiling = cap.toMillis();
        long exp = base.toMillis() << Math.min(Math.max(attempt, 0), 30);
        long d = exp <= 0 ? ceiling : Math.min(ceiling, exp); // <= 0: the shift overflowed
        return Duration.ofMillis(d / 2 + Math.round(random.getAsDouble() * (d - d / 2)));
    }
}
