package org.waldur.agent.accounting;

/**
 * Reads sacct's {@code Elapsed} column without allocating. Accepted forms, as SLURM prints durations:
 * {@code MM:SS[.fff]}, {@code HH:MM:SS[.ffffff]} (hours unbounded, e.g. {@code 850:00:00}),
 * {@code D-HH}, {@code D-HH:MM}, {@code D-HH:MM:SS[.ffffff]}.
 *
 * <p>SLURM always normalises minutes and seconds below 60 and hours below 24 after a day part, so anything else
 * ({@code INVALID}, {@code UNLIMITED}, {@code 01:75:00}, a bare number) is not a duration sacct printed: the row is
 * rejected rather than billed on a guess.
 */
final class ElapsedTime {
    /** Returned for anything that is not a duration. */
    static final long INVALID = -1;

    static final long MICROS_PER_SECOND = 1_000_000L;

    private static final int MAX_PARTS = 3;
    private static final int MAX_DAY_DIGITS = 7;   // 27,000 years: far beyond any job, far below a long overflow
    private static final int MAX_PART_DIGITS = 9;  // 999,999,999 hours in microseconds still fits a long
    private static final int MAX_FRACTION_DIGITS = 6;

    private ElapsedTime() {
    }

    /** The duration in {@code chars[from, to)} in microseconds, or {@link #INVALID}. */
    static long micros(char[] chars, int from, int to) {
        long days = 0;
        boolean hasDays = false;
        int i = from;
        int dash = indexOf(chars, from, to, '-');
        if (dash >= 0) {
            days = number(chars, from, dash, MAX_DAY_DIGITS);
            if (days < 0) {
                return INVALID;
            }
            hasDays = true;
            i = dash + 1;
        }
        long[] parts = new long[MAX_PARTS]; // escape analysis keeps this off the heap in the hot loop
        int count = 0;
        long fractionMicros = 0;
        boolean hasFraction = false;
        while (true) {
            int end = i;
            while (end < to && chars[end] != ':' && chars[end] != '.') {
                end++;
            }
            if (count == MAX_PARTS) {
                return INVALID;
            }
            long value = number(chars, i, end, MAX_PART_DIGITS);
            if (value < 0) {
                return INVALID;
            }
            parts[count++] = value;
            if (end == to) {
                break;
            }
            if (chars[end] == '.') {
                fractionMicros = fraction(chars, end + 1, to);
                if (fractionMicros < 0) {
                    return INVALID;
                }
                hasFraction = true;
                break;
            }
            i = end + 1;
        }
        long hours;
        long minutes;
        long seconds;
        if (hasDays) {
            // D-HH, D-HH:MM, D-HH:MM:SS[.f]: a fraction only after seconds
            if (hasFraction && count != 3) {
                return INVALID;
            }
            hours = parts[0];
            minutes = count > 1 ? parts[1] : 0;
            seconds = count > 2 ? parts[2] : 0;
            if (hours >= 24) {
                return INVALID;
            }
        } else if (count == 3) {
            hours = parts[0];
            minutes = parts[1];
            seconds = parts[2];
        } else if (count == 2) {
            hours = 0;
            minutes = parts[0];
            seconds = parts[1];
        } else {
            return INVALID; // a bare number: minutes? seconds? sacct never prints it
        }
        if (minutes >= 60 || seconds >= 60) {
            return INVALID;
        }
        long totalSeconds = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
        return totalSeconds * MICROS_PER_SECOND + fractionMicros;
    }

    /** Digits only, 1..maxDigits of them; -1 otherwise. */
    private static long number(char[] chars, int from, int to, int maxDigits) {
        int length = to - from;
        if (length <= 0 || length > maxDigits) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = chars[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** {@code .f} to {@code .ffffff} as microseconds; -1 for no digits, more than six, or a non-digit. */
    private static long fraction(char[] chars, int from, int to) {
        long value = number(chars, from, to, MAX_FRACTION_DIGITS);
        if (value < 0) {
            return -1;
        }
        for (int digits = to - from; digits < MAX_FRACTION_DIGITS; digits++) {
            value *= 10;
        }
        return value;
    }

    private static int indexOf(char[] chars, int from, int to, char wanted) {
        for (int i = from; i < to; i++) {
            if (chars[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
