package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The char-based fast path must not change what {@link TresString#amount(String, String)} returns. */
class TresStringAmountTest {

    /** The implementation before the fast path was added, kept verbatim as the oracle. */
    private static double previousAmount(String type, String value) {
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
            int fromMb = power == 0 ? 0 : power - 2;
            return number * Math.pow(1024, fromMb);
        }
        return number * Math.pow(1024, power);
    }

    @Test
    void documentedAmounts() {
        assertEquals(16000, TresString.amount("mem", "16000M"));
        assertEquals(2048, TresString.amount("mem", "2G"));
        assertEquals(0.5, TresString.amount("mem", "512K"));
        assertEquals(1000, TresString.amount("mem", "1000"));          // bare mem number = MB
        assertEquals(2L << 30, (long) TresString.amount("mem", "2P")); // 2 PB in MB
        assertEquals(4, TresString.amount("cpu", "4"));
        assertEquals(2048, TresString.amount("cpu", "2K"));
        assertEquals(0, TresString.amount("cpu", "abc"));
    }

    @Test
    void fastPathGivesExactKibiUnits() {
        char[] mem = "512K".toCharArray();
        assertEquals(512, TresString.amountInKibi(true, mem, 0, mem.length));            // KB
        char[] bare = "1000".toCharArray();
        assertEquals(1000L * 1024, TresString.amountInKibi(true, bare, 0, bare.length));  // MB → KB
        assertEquals(1000L * 1024, TresString.amountInKibi(false, bare, 0, bare.length)); // count × 1024
        char[] decimal = "1.5G".toCharArray();
        assertEquals(TresString.NOT_AN_INTEGER, TresString.amountInKibi(true, decimal, 0, decimal.length));
        char[] huge = "9E".toCharArray(); // 9 × 1024^7 does not fit a long
        assertEquals(TresString.NOT_AN_INTEGER, TresString.amountInKibi(false, huge, 0, huge.length));
    }

    @Test
    void sameResultAsBeforeForTrickyAndRandomValues() {
        List<String> values = new ArrayList<>(List.of(
                "", "0", "00", "4", "16000M", "16000m", "2G", "512K", "1T", "2P", "3E", "7e", "K", "M", "1.5G",
                "0.25", "-1", "+4", "1e3", "1e3K", "NaN", "Infinity", "abc", "1d", "1f", " 4", "4 ", "4GB",
                "999999999999999999", "9999999999999999999", "9223372036854775807", "8796093022208K",
                "8796093022208M", "9007199254740993", "9007199254740993K", "123456789012345678G"));
        Random random = new Random(42);
        String suffixes = "KMGTPEkmgtpe";
        for (int i = 0; i < 20_000; i++) {
            String digits = Long.toString(Math.abs(random.nextLong()) >>> random.nextInt(63));
            values.add(random.nextBoolean() ? digits : digits + suffixes.charAt(random.nextInt(suffixes.length())));
        }
        for (String type : List.of("mem", "cpu", "gres/gpu")) {
            for (String value : values) {
                assertEquals(previousAmount(type, value), TresString.amount(type, value), type + "=" + value);
            }
        }
    }
}
