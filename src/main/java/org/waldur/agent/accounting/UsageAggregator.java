package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.math.BigInteger;
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
    private final String[] types;
    private final char[][] typeChars;
    private final boolean[] memTypes;

    private final PairTable pairs = new PairTable();

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
        kibiSeconds = new long[64 * types.length];
    }

    /** The configured component types, in configuration order. */
    public List<String> componentTypes() {
        return List.of(types);
    }

    /** Distinct (account, user) pairs seen so far; account-level rows (no user) count as a pair with user "". */
    public int pairCount() {
        return pairs.size();
    }

    /** Every account seen, sorted by name, in TRES-minutes. */
    public Map<String, AccountUsage> result() {
        Map<String, AccountTotals> accounts = new TreeMap<>();
        Map<String, String> users = new HashMap<>(); // one String per user name, however many accounts use it
        for (int pair = 0; pair < pairs.size(); pair++) {
            String user = users.computeIfAbsent(pairs.user(pair), name -> name);
            accounts.computeIfAbsent(pairs.account(pair), a -> new AccountTotals()).add(pair, user);
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
            char[] type = typeChars[t];
            if (type.length == length) {
                int i = 0;
                while (i < length && type[i] == chars[from + i]) { // a loop: Arrays.equals set-up costs more here
                    i++;
                }
                if (i == length) {
                    return t;
                }
            }
        }
        return -1;
    }

    /** The pair of account {@code chars[accountFrom, accountTo)} and user {@code chars[userFrom, userTo)}, added if new. */
    int pair(char[] chars, int accountFrom, int accountTo, int userFrom, int userTo) {
        int pair = pairs.find(chars, accountFrom, accountTo, userFrom, userTo);
        if ((pair + 1) * types.length > kibiSeconds.length) {
            growCells();
        }
        return pair;
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

    private void growCells() {
        kibiSeconds = Arrays.copyOf(kibiSeconds, kibiSeconds.length * 2);
        if (overflow != null) {
            overflow = Arrays.copyOf(overflow, kibiSeconds.length);
        }
        if (inexact != null) {
            inexact = Arrays.copyOf(inexact, kibiSeconds.length);
        }
    }

    /** Exact sums of one account while result() walks its pairs: the total is Σ users before any rounding. */
    private final class AccountTotals {
        private final long[] kibi = new long[types.length];
        private final BigInteger[] kibiOverflow = new BigInteger[types.length];
        private final BigDecimal[] baseUnits = new BigDecimal[types.length];
        private final Map<String, Map<String, BigDecimal>> byUser = new HashMap<>();

        void add(int pair, String user) {
            int first = pair * types.length;
            long[] userKibi = Arrays.copyOfRange(kibiSeconds, first, first + types.length);
            BigInteger[] userOverflow = sliceOrNull(overflow, first);
            BigDecimal[] userInexact = sliceOrNull(inexact, first);
            for (int t = 0; t < types.length; t++) {
                long sum = kibi[t] + userKibi[t];
                if (sum < 0) { // two non-negative longs: a negative sum is an overflow
                    addBig(t, BigInteger.valueOf(kibi[t]).add(BigInteger.valueOf(userKibi[t])));
                    sum = 0;
                }
                kibi[t] = sum;
                if (userOverflow != null && userOverflow[t] != null) {
                    addBig(t, userOverflow[t]);
                }
                if (userInexact != null && userInexact[t] != null) {
                    baseUnits[t] = baseUnits[t] == null ? userInexact[t] : baseUnits[t].add(userInexact[t]);
                }
            }
            if (!user.isEmpty()) { // account-level rows (no user) belong to the total only
                byUser.put(user, new ExactMinutes(types, userKibi, userOverflow, userInexact));
            }
        }

        private void addBig(int t, BigInteger value) {
            kibiOverflow[t] = kibiOverflow[t] == null ? value : kibiOverflow[t].add(value);
        }

        /** This pair's cells of a rarely used side array, or null when they are all empty (the usual case). */
        private <T> T[] sliceOrNull(T[] cells, int first) {
            if (cells == null) {
                return null;
            }
            for (int t = 0; t < types.length; t++) {
                if (cells[first + t] != null) {
                    return Arrays.copyOfRange(cells, first, first + types.length);
                }
            }
            return null;
        }

        AccountUsage toUsage(String account) {
            return new AccountUsage(account, new ExactMinutes(types, kibi, kibiOverflow, baseUnits), byUser);
        }
    }
}
