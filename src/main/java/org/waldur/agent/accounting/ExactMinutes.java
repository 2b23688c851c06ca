package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Immutable map component type → TRES-minutes in configuration order, holding the exact integer sums and turning
 * them into BigDecimal minutes on access. A report can hold 100,000 (account, user) pairs; three BigDecimals at
 * 20 decimal places plus a LinkedHashMap per pair would not fit a small heap, a long[] per pair does.
 */
final class ExactMinutes extends AbstractMap<String, BigDecimal> {
    /**
     * Decimal places kept for TRES-minutes (÷ 60 does not terminate). Rounding at 2 places later gives the same
     * answer as exact arithmetic: a non-tie value is at least ~1e-8 / unit_factor away from a tie, far more than
     * 1e-20, and a true tie terminates well within 20 places.
     */
    static final int MINUTES_SCALE = 20;

    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

    private final String[] types;           // shared by every map of one aggregator
    private final long[] kibiSeconds;       // 1/1024 unit × seconds (KB-seconds for mem)
    private final BigInteger[] overflow;    // null, or added to kibiSeconds where a long was too small
    private final BigDecimal[] inexact;     // null, or base-unit-seconds from decimal amounts / fractional seconds

    ExactMinutes(String[] types, long[] kibiSeconds, BigInteger[] overflow, BigDecimal[] inexact) {
        this.types = types;
        this.kibiSeconds = kibiSeconds;
        this.overflow = overflow;
        this.inexact = inexact;
    }

    @Override
    public BigDecimal get(Object type) {
        for (int t = 0; t < types.length; t++) {
            if (types[t].equals(type)) {
                return minutes(t);
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object type) {
        for (String known : types) {
            if (known.equals(type)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return types.length;
    }

    @Override
    public Set<Entry<String, BigDecimal>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, BigDecimal>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < types.length;
                    }

                    @Override
                    public Entry<String, BigDecimal> next() {
                        if (next >= types.length) {
                            throw new NoSuchElementException();
                        }
                        int t = next++;
                        return Map.entry(types[t], minutes(t));
                    }
                };
            }

            @Override
            public int size() {
                return types.length;
            }
        };
    }

    /** (kibi-unit-seconds / 1024 + base-unit-seconds) / 60, without trailing zeros (248.2, not 248.200…). */
    private BigDecimal minutes(int t) {
        boolean big = overflow != null && overflow[t] != null;
        boolean decimal = inexact != null && inexact[t] != null;
        if (kibiSeconds[t] == 0 && !big && !decimal) {
            return BigDecimal.ZERO;
        }
        BigInteger kibi = BigInteger.valueOf(kibiSeconds[t]);
        if (big) {
            kibi = kibi.add(overflow[t]);
        }
        BigDecimal seconds = new BigDecimal(kibi).divide(KIBI); // ÷ 2^10 always terminates
        if (decimal) {
            seconds = seconds.add(inexact[t]);
        }
        BigDecimal minutes = seconds.divide(SECONDS_PER_MINUTE, MINUTES_SCALE, RoundingMode.HALF_UP)
                .stripTrailingZeros();
        return minutes.scale() < 0 ? minutes.setScale(0) : minutes;
    }
}
