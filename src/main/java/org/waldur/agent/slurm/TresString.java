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

    /** The amount of {@code value} for TRES {@code type} in SLURM's base unit (MB for mem, a count otherwise). */
    public static double amount(String type, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        char last = Character.toUpperCase(value.charAt(value.length() - 1));
        int power = switch (last) {
            case 'K' -> 1;
            case 'M' -> 2;
            case 'G' -> 3;
            case 'T' -> 4;
            case 'P' -> 5;
            case 'E' -> 6;
            default -> 0;
        };
        String digits = power > 0 ? value.substring(0, value.length() - 1) : value;
        double number;
        try {
            number = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
        if ("mem".equals(type)) {
            // base unit MB: K is 1/1024 MB, M is MB, a bare number is MB
            int fromMb = power == 0 ? 0 : power - 2;
            return number * Math.pow(1024, fromMb);
        }
        return number * Math.pow(1024, power);
    }

    /** {@code k1=v1,k2=v2} with keys sorted, as the reference agent writes GrpTRESMins. */
    public static String format(Map<String, Long> values) {
        StringJoiner j = new StringJoiner(",");
        new TreeMap<>(values).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
