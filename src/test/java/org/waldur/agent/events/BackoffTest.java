package org.waldur.agent.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackoffTest {
    private static Backoff with(double random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> random);
    }

    @Test
    void doublesFromTheBaseUpToTheCapWithJitterInTheUpperHalf() {
        assertEquals(500, with(0).delay(0).toMillis(), "lowest: half of 1 s");
        assertEquals(1000, with(1).delay(0).toMillis(), "highest: 1 s");
        assertEquals(2000, with(0).delay(2).toMillis(), "4 s, lower half cut");
        assertEquals(4000, with(1).delay(2).toMillis());
        assertEquals(30_000, with(0).delay(6).toMillis(), "64 s capped at 60 s");
        assertEquals(60_000, with(1).delay(6).toMillis());
    }

    @Test
    void aVeryLongOutageStaysAtTheCap() {
        assertEquals(60_000, with(1).delay(1000).toMillis());
        assertEquals(45_000, with(0.5).delay(Integer.MAX_VALUE).toMillis());
    }

    @Test
    void jitterSpreadsAgentsThatLostTheBrokerTogether() {
        assertEquals(750, with(0.5).delay(0).toMillis());
        assertEquals(1500, with(0.5).delay(1).toMillis());
    }

    @Test
    void refusesANonsensicalRange() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0));
    }
}
