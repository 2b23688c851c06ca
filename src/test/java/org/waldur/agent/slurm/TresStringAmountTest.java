package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link TresString#amount(String, String)} against values worked out by hand from the documented rule (mem in MB,
 * a bare mem number is MB; other TRES count items; K…E multiply by 1024ⁿ; anything unparsable is 0), so both the
 * fast integer path and the general path are held to the rule, not to each other.
 */
class TresStringAmountTest {

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
    void trickyValuesForMemory() {
        assertEquals(0, TresString.amount("mem", ""));
        assertEquals(0, TresString.amount("mem", "00"));
        assertEquals(16000, TresString.amount("mem", "16000m"));                 // suffixes in either case
        assertEquals(1_048_576, TresString.amount("mem", "1T"));
        assertEquals(3_298_534_883_328L, TresString.amount("mem", "3E"));        // 3 × 1024⁴ MB
        assertEquals(7_696_581_394_432L, TresString.amount("mem", "7e"));
        assertEquals(1536, TresString.amount("mem", "1.5G"));                    // decimals take the general path
        assertEquals(0.25, TresString.amount("mem", "0.25"));
        assertEquals(-1, TresString.amount("mem", "-1"));
        assertEquals(1000, TresString.amount("mem", "1e3"));                     // an exponent, not a suffix
        assertEquals(0.9765625, TresString.amount("mem", "1e3K"));              // 1000 KB
        assertEquals(8_589_934_592L, TresString.amount("mem", "8796093022208K")); // 2⁴³ KB = 2³³ MB
        assertEquals(1.0e18, TresString.amount("mem", "999999999999999999"));    // beyond a long in KB: a double
    }

    @Test
    void trickyValuesForCounts() {
        assertEquals(0, TresString.amount("cpu", "0"));
        assertEquals(0, TresString.amount("cpu", "K"));                          // a suffix without digits
        assertEquals(0, TresString.amount("cpu", "4GB"));
        assertEquals(4, TresString.amount("cpu", "+4"));
        assertEquals(4, TresString.amount("cpu", " 4"));
        assertEquals(4, TresString.amount("cpu", "4 "));
        assertEquals(1, TresString.amount("cpu", "1d"));                         // Java's double literal suffixes
        assertEquals(1, TresString.amount("gres/gpu", "1f"));
        assertEquals(1000, TresString.amount("cpu", "1e3"));
        assertEquals(1_024_000, TresString.amount("cpu", "1e3K"));
        assertEquals(Double.NaN, TresString.amount("cpu", "NaN"));
        assertEquals(Double.POSITIVE_INFINITY, TresString.amount("cpu", "Infinity"));
        assertEquals(9_007_199_254_740_992L, TresString.amount("cpu", "8796093022208K")); // 2⁴³ × 1024 = 2⁵³
        assertEquals(9_007_199_254_740_992L, TresString.amount("cpu", "9007199254740993")); // 2⁵³+1 rounds to 2⁵³
        assertEquals(9.223372036854775807e18, TresString.amount("gres/gpu", "9223372036854775807"));
    }

    /** Integers with every suffix, against exact decimal arithmetic rounded once to a double. */
    @Test
    void integersFollowTheRuleExactly() {
        Random random = new Random(42);
        String suffixes = " KMGTPE";
        for (int i = 0; i < 20_000; i++) {
            long n = Math.abs(random.nextLong()) >>> random.nextInt(63);
            int power = random.nextInt(suffixes.length());
            String value = n + (power == 0 ? "" : String.valueOf(suffixes.charAt(power)));
            BigDecimal count = new BigDecimal(n).multiply(BigDecimal.valueOf(1024).pow(power));
            BigDecimal megabytes = power == 0 ? new BigDecimal(n)
                    : new BigDecimal(n).multiply(new BigDecimal(1024).pow(power - 1, MathContext.UNLIMITED))
                    .divide(BigDecimal.valueOf(1024));
            assertEquals(count.doubleValue(), TresString.amount("cpu", value), "cpu=" + value);
            assertEquals(megabytes.doubleValue(), TresString.amount("mem", value), "mem=" + value);
        }
    }
}
