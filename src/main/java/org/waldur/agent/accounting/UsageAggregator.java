package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums TRES usage per (account, user) for the configured component types. Memory grows with the number of
 * distinct (account, user) pairs, never with the number of rows: a pair is looked up straight from the parser's
 * character buffer, so a row that repeats a known pair allocates nothing.
 *
 * <p>Exactness: a row adds {@code amount × seconds} with the amount in 1/1024 of the TRES base unit (KB for mem,
 * so {@code mem=512K} stays integral), as a {@code long} while it fits and as a BigInteger beyond. Amounts that are
 * not integers (decimal TRES values) and fractional seconds — neither of which sacct prints for ReqTRES/Elapsed —
 * go to a BigDecimal side sum. Conversion to minutes happens once, in {@link #result()}.
 */
public final class UsageAggregator {
    /**
     * Decimal places kept for TRES-minutes (÷ 60 does not terminate). Rounding at 2 places later gives the same
     * answer as exact arithmetic: a non-tie value is at least ~1e-8 / unit_factor away from a tie, far more than
     * 1e-20, and a true tie terminates well within 20 places.
     */
    static final int MINUTES_SCALE = 20;

    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

    private final String[] types;
    private final char[][] typeChars;
    private final boolean[] memTypes;

    // (account, user) pairs in first-seen order; key = account chars immediately followed by user chars
    private char[][] pairKeys = new char[64][];
    private int[] accountLengths = new int[64];
    private int[] pairHashes = new int[64];
    private int pairCount;
    private int[] table = new int[128]; // open addressing: pair index + 1, 0 = free; kept at most half full

    // one cell per (pair, type) at pair * types.length + type
    private long[] kibiSeconds;
    private BigInteger[] overflow; // allocated when a cell first exceeds a long
    private BigDecimal[] inexact;  // allocated on the first non-integral contribution; base-unit-seconds

    public UsageAggregator(Collection<String> componentTypes) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(componentTypes));
        types = distinct.toArray(String[]::new);
        typeChars = new char[types.length][];
        memTypes = new boolean[types.length];
        for (int t = 0; t < types.length; t++) {
            typeChars[t] = types[t].toCharArray();
            memTypes[t] = "mem".equals(types[t]);
        }
        kibiSeconds = new long[pairKeys.length * types.length];
    }

    /** The configured component types, in configuration order. */
    public List<String> componentTypes() {
        return List.of(types);
    }

    /** Distinct (account, user) pairs seen so far; account-level rows (no user) count as a pair with user "". */
    public int pairCount() {
        return pairCount;
    }

    /** Every account seen, sorted by name, in TRES-minutes. */
    public Map<String, AccountUsage> result() {
        Map<String, AccountTotals> accounts = new TreeMap<>();
        Map<String, String> accountNames = new HashMap<>();
        for (int pair = 0; pair < pairCount; pair++) {
            String account = accountNames.computeIfAbsent(
                    new String(pairKeys[pair], 0, accountLengths[pair]), name -> name);
            String user = new String(pairKeys[pair], accountLengths[pair],
                    pairKeys[pair].length - accountLengths[pair]);
            accounts.computeIfAbsent(account, a -> new AccountTotals(types.length)).add(user, pair);
        }
        Map<String, AccountUsage> out = new LinkedHashMap<>();
        accounts.forEach((account, totals) -> out.put(account, totals.toUsage(account)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Exactly the accounts asked for, keyed and named as given: an account without rows is all zeros, accounts
     * not asked for are left out. SLURM returns names in lower case, so the match ignores case.
     */
    public Map<String, AccountUsage> resultFor(Collection<String> accounts) {
        Map<String, AccountUsage> seen = new HashMap<>();
        result().forEach((account, usage) -> seen.put(account.toLowerCase(Locale.ROOT), usage));
        Map<String, AccountUsage> out = new LinkedHashMap<>();
        for (String account : accounts) {
            AccountUsage usage = seen.get(account.toLowerCase(Locale.ROOT));
            out.put(account, usage != null ? usage.named(account) : AccountUsage.zero(account, componentTypes()));
        }
        return Collections.unmodifiableMap(out);
    }

    // ---- hot path, used by SacctParser ------------------------------------------------------------------------

    int typeCount() {
        return types.length;
    }

    String type(int type) {
        return types[type];
    }

    boolean isMem(int type) {
        return memTypes[type];
    }

    /** Index of the configured type spelled by {@code chars[from, to)}, or -1 (unknown, or typed like gres/gpu:a100). */
    int typeIndex(char[] chars, int from, int to) {
        int length = to - from;
        for (int t = 0; t < typeChars.length; t++) {
            if (typeChars[t].length == length && Arrays.equals(typeChars[t], 0, length, chars, from, to)) {
                return t;
            }
        }
        return -1;
    }

    /** The pair of account {@code chars[accountFrom, accountTo)} and user {@code chars[userFrom, userTo)}, added if new. */
    int pair(char[] chars, int accountFrom, int accountTo, int userFrom, int userTo) {
        int hash = 1;
        for (int i = accountFrom; i < accountTo; i++) {
            hash = 31 * hash + chars[i];
        }
        hash = 31 * hash + '|'; // never inside a field, so ("ab","c") and ("a","bc") hash apart
        for (int i = userFrom; i < userTo; i++) {
            hash = 31 * hash + chars[i];
        }
        hash ^= hash >>> 16;
        int accountLength = accountTo - accountFrom;
        int mask = table.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                return insert(slot, hash, chars, accountFrom, accountTo, userFrom, userTo);
            }
            int pair = entry - 1;
            char[] key = pairKeys[pair];
            if (pairHashes[pair] == hash && accountLengths[pair] == accountLength
                    && key.length - accountLength == userTo - userFrom
                    && Arrays.equals(key, 0, accountLength, chars, accountFrom, accountTo)
                    && Arrays.equals(key, accountLength, key.length, chars, userFrom, userTo)) {
                return pair;
            }
        }
    }

    /** Adds {@code kibi × seconds}; both are non-negative. */
    void addExact(int pair, int type, long kibi, long seconds) {
        if (kibi == 0 || seconds == 0) {
            return;
        }
        int cell = pair * types.length + type;
        long product = kibi * seconds;
        if (Math.multiplyHigh(kibi, seconds) != 0 || product < 0) {
            addOverflow(cell, BigInteger.valueOf(kibi).multiply(BigInteger.valueOf(seconds)));
            return;
        }
        long sum = kibiSeconds[cell] + product;
        if (sum < 0) { // two non-negative longs: a negative sum is an overflow
            addOverflow(cell, BigInteger.valueOf(kibiSeconds[cell]).add(BigInteger.valueOf(product)));
            kibiSeconds[cell] = 0;
            return;
        }
        kibiSeconds[cell] = sum;
    }

    /** Adds a contribution already in base-unit-seconds (MB-seconds for mem) that is not an integer product. */
    void addInexact(int pair, int type, BigDecimal baseUnitSeconds) {
        if (inexact == null) {
            inexact = new BigDecimal[kibiSeconds.length];
        }
        int cell = pair * types.length + type;
        inexact[cell] = inexact[cell] == null ? baseUnitSeconds : inexact[cell].add(baseUnitSeconds);
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private void addOverflow(int cell, BigInteger value) {
        if (overflow == null) {
            overflow = new BigInteger[kibiSeconds.length];
        }
        overflow[cell] = overflow[cell] == null ? value : overflow[cell].add(value);
    }

    private int insert(int slot, int hash, char[] chars, int accountFrom, int accountTo, int userFrom, int userTo) {
        if (pairCount == pairKeys.length) {
            grow();
        }
        int accountLength = accountTo - accountFrom;
        char[] key = new char[accountLength + userTo - userFrom];
        System.arraycopy(chars, accountFrom, key, 0, accountLength);
        System.arraycopy(chars, userFrom, key, accountLength, userTo - userFrom);
        int pair = pairCount++;
        pairKeys[pair] = key;
        accountLengths[pair] = accountLength;
        pairHashes[pair] = hash;
        table[slot] = pair + 1;
        if (pairCount * 2 > table.length) {
            rehash();
        }
        return pair;
    }

    private void grow() {
        int capacity = pairKeys.length * 2;
        pairKeys = Arrays.copyOf(pairKeys, capacity);
        accountLengths = Arrays.copyOf(accountLengths, capacity);
        pairHashes = Arrays.copyOf(pairHashes, capacity);
        kibiSeconds = Arrays.copyOf(kibiSeconds, capacity * types.length);
        if (overflow != null) {
            overflow = Arrays.copyOf(overflow, kibiSeconds.length);
        }
        if (inexact != null) {
            inexact = Arrays.copyOf(inexact, kibiSeconds.length);
        }
    }

    private void rehash() {
        table = new int[table.length * 2];
        int mask = table.length - 1;
        for (int pair = 0; pair < pairCount; pair++) {
            int slot = pairHashes[pair] & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = pair + 1;
        }
    }

    /** Exact sums of one account while result() walks the pairs: account total = Σ users before any rounding. */
    private final class AccountTotals {
        private final BigInteger[] kibi;
        private final BigDecimal[] baseUnits;
        private final Map<String, Map<String, BigDecimal>> byUser = new TreeMap<>();

        AccountTotals(int typeCount) {
            kibi = new BigInteger[typeCount];
            baseUnits = new BigDecimal[typeCount];
            Arrays.fill(kibi, BigInteger.ZERO);
            Arrays.fill(baseUnits, BigDecimal.ZERO);
        }

        void add(String user, int pair) {
            Map<String, BigDecimal> userMinutes = new LinkedHashMap<>();
            for (int t = 0; t < types.length; t++) {
                int cell = pair * types.length + t;
                BigInteger cellKibi = BigInteger.valueOf(kibiSeconds[cell]);
                if (overflow != null && overflow[cell] != null) {
                    cellKibi = cellKibi.add(overflow[cell]);
                }
                BigDecimal cellBase = inexact != null && inexact[cell] != null ? inexact[cell] : BigDecimal.ZERO;
                kibi[t] = kibi[t].add(cellKibi);
                baseUnits[t] = baseUnits[t].add(cellBase);
                userMinutes.put(types[t], minutes(cellKibi, cellBase));
            }
            if (!user.isEmpty()) { // account-level rows belong to the total only
                byUser.put(user, userMinutes);
            }
        }

        AccountUsage toUsage(String account) {
            Map<String, BigDecimal> total = new LinkedHashMap<>();
            for (int t = 0; t < types.length; t++) {
                total.put(types[t], minutes(kibi[t], baseUnits[t]));
            }
            return new AccountUsage(account, total, byUser);
        }
    }

    /** (kibi-unit-seconds / 1024 + base-unit-seconds) / 60, with trailing zeros removed (248.2, not 248.200…). */
    private static BigDecimal minutes(BigInteger kibiUnitSeconds, BigDecimal baseUnitSeconds) {
        BigDecimal seconds = new BigDecimal(kibiUnitSeconds).divide(KIBI).add(baseUnitSeconds); // ÷ 2^10 terminates
        BigDecimal minutes = seconds.divide(SECONDS_PER_MINUTE, MINUTES_SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
        return minutes.scale() < 0 ? minutes.setScale(0) : minutes;
    }
}
