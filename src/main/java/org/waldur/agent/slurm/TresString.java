package org.waldur.agent.slurm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The one place that reads and writes SLURM TRES strings ({@code billing=4,cpu=4,gres/gpu=1,mem=16000M,node=1}),
 * as they appear in ReqTRES/AllocTRES, GrpTRESMins and load files.
 *
 * <p>Amounts: a number with an optional binary suffix K, M, G, T, P, E. For {@code mem} the base unit is MB
 * (SLURM's own), so {@code 16000M} = 16000, {@code 2G} = 2048, {@code 512K} = 0.5 and a bare number is MB
 * (the reference agent misread bare numbers as bytes on read-back). For every other TRES a suffix multiplies
 * the count by 1024ⁿ. A value that is not a number yields 0.
 */
public final class TresString {
    private TresString() {
    }

    /** Pairs in the order given; an empty or null string gives an empty map; malformed pairs are skipped. */
    public static Map<String, String> parse(String tres) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tres == null || tres.isBlank()) {
            return out;
        }
        for (String pair : tres.trim().split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && eq < pair.length() - 1) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /**
     * Returned by {@link #amountInKibi} when the value is not a run of ASCII digits with an optional suffix (a
     * decimal, a sign, an exponent, a word) or does not fit a long; callers then take the general path,
     * {@link #amount(String, String)}.
     */
    public static final long NOT_AN_INTEGER = Long.MIN_VALUE;

    /** The amount of {@code value} for TRES {@code type} in SLURM's base unit (MB for mem, a count otherwise). */
    public static double amount(String type, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        boolean mem = "mem".equals(type);
        long kibi = amountInKibi(mem, value.toCharArray(), 0, value.length());
        if (kibi != NOT_AN_INTEGER) {
            return kibi / 1024.0; // exact scaling by a power of two: same double as the general path
        }
        int power = suffixPower(value.charAt(value.length() - 1));
        String digits = power > 0 ? value.substring(0, value.length() - 1) : value;
        double number;
        try {
            number = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
        return number * Math.pow(1024, kibiExponent(mem, power) - 1);
    }

    /**
     * Fast, allocation-free and exact form of {@link #amount(String, String)} for the sacct hot loop: the amount of
     * {@code chars[from, to)} in 1/1024 of the base unit (KB for mem), so that {@code mem=512K} stays an integer.
     * An empty range is 0. Returns {@link #NOT_AN_INTEGER} when the value needs the general path.
     */
    public static long amountInKibi(boolean mem, char[] chars, int from, int to) {
        if (from >= to) {
            return 0;
        }
        int power = suffixPower(chars[to - 1]);
        int end = power > 0 ? to - 1 : to;
        if (end == from || end - from > 18) { // no digits, or possibly beyond a long: general path decides
            return NOT_AN_INTEGER;
        }
        long number = 0;
        for (int i = from; i < end; i++) {
            int digit = chars[i] - '0';
            if (digit < 0 || digit > 9) {
                return NOT_AN_INTEGER;
            }
            number = number * 10 + digit;
        }
        int shift = 10 * kibiExponent(mem, power);
        if (number != 0 && (shift >= 63 || number > (Long.MAX_VALUE >> shift))) {
            return NOT_AN_INTEGER;
        }
        return number << shift;
    }

    /**
     * The suffix rules, in one place: K, M, G, T, P, E (either case) are binary powers 1..6; anything else is 0
     * (no suffix).
     */
    private static int suffixPower(char last) {
        return switch (Character.toUpperCase(last)) {
            case 'K' -> 1;
            case 'M' -> 2;
            case 'G' -> 3;
            case 'T' -> 4;
            case 'P' -> 5;
            case 'E' -> 6;
            default -> 0;
        };
    }

    /**
     * Power of 1024 that turns the written number into 1/1024 base units. mem's base unit is MB, so a bare number
     * is MB (1024 KB), K is KB, M is MB…; every other TRES counts items, so a suffix multiplies the count.
     */
    private static int kibiExponent(boolean mem, int power) {
        if (mem) {
            return power == 0 ? 1 : power - 1;
        }
        return power + 1;
    }

    /** {@code k1=v1,k2=v2} with keys sorted, as the reference agent writes GrpTRESMins. */
    public static String format(Map<String, Long> values) {
        StringJoiner j = new StringJoiner(",");
        new TreeMap<>(values).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
