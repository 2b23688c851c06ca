package org.waldur.agent.accounting;

/**
 * Reads sacct's {@code Elapsed} column in one pass without allocating. Accepted forms, as SLURM prints durations:
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

    private static final int MAX_DAY_DIGITS = 7;   // 27,000 years: far beyond any job, far below a long overflow
    private static final int MAX_PART_DIGITS = 9;  // 999,999,999 hours in microseconds still fits a long
    private static final int MAX_FRACTION_DIGITS = 6;

    private ElapsedTime() {
    }

    /** The duration in {@code chars[from, to)} in microseconds, or {@link #INVALID}. */
    static long micros(char[] chars, int from, int to) {
        long days = -1;
        long first = 0;
        long second = 0;
        long third = 0;
        int parts = 0;
        long fractionMicros = 0;
        boolean hasFraction = false;
        int i = from;
        while (true) {
            // one number
            int digitsFrom = i;
            long value = 0;
            while (i < to) {
                int digit = chars[i] - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                value = value * 10 + digit;
                i++;
            }
            int digits = i - digitsFrom;
            if (digits == 0) {
                return INVALID;
            }
            char separator = i < to ? chars[i] : 0;
            if (separator == '-') {
                if (days >= 0 || parts > 0 || digits > MAX_DAY_DIGITS) {
                    return INVALID;
                }
                days = value;
                i++;
                continue;
            }
            if (digits > MAX_PART_DIGITS || parts == 3) {
                return INVALID;
            }
            switch (parts++) {
                case 0 -> first = value;
                case 1 -> second = value;
                default -> third = value;
            }
            if (separator == ':') {
                i++;
                continue;
            }
            if (separator == '.') {
                fractionMicros = fraction(chars, i + 1, to);
                if (fractionMicros < 0) {
                    return INVALID;
                }
                hasFraction = true;
            } else if (i < to) {
                return INVALID; // any other character
            }
            break;
        }
        long hours;
        long minutes;
        long seconds;
        if (days >= 0) {
            // D-HH, D-HH:MM, D-HH:MM:SS[.f]: a fraction only after seconds
            if ((hasFraction && parts != 3) || first >= 24) {
                return INVALID;
            }
            hours = first;
            minutes = second;
            seconds = third;
        } else if (parts == 3) {
            hours = first;
            minutes = second;
            seconds = third;
        } else if (parts == 2) {
            hours = 0;
            minutes = first;
            seconds = second;
        } else {
            return INVALID; // a bare number: minutes? seconds? sacct never prints it
        }
        if (minutes >= 60 || seconds >= 60) {
            return INVALID;
        }
        long totalSeconds = ((Math.max(days, 0) * 24 + hours) * 60 + minutes) * 60 + seconds;
        return totalSeconds * MICROS_PER_SECOND + fractionMicros;
    }

    /** {@code .f} to {@code .ffffff} as microseconds; -1 for no digits, more than six, or a non-digit. */
    private static long fraction(char[] chars, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > MAX_FRACTION_DIGITS) {
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
        for (int digits = length; digits < MAX_FRACTION_DIGITS; digits++) {
            value *= 10;
        }
        return value;
    }
}
