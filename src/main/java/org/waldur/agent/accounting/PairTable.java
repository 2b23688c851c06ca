package org.waldur.agent.accounting;

import java.util.Arrays;

/**
 * The distinct (account, user) pairs of a parse, looked up straight from the parser's char buffer so that a row
 * repeating a known pair allocates nothing.
 *
 * <p>Laid out for the cache, because with 100,000 pairs in random order nearly every lookup misses it: the open
 * addressing table holds (hash, key offset) side by side, and each key is stored contiguously in a paged char
 * arena as [account length, user length, pair index high, pair index low, account chars, user chars]. A lookup
 * touches one table slot and one arena spot instead of chasing a String per pair.
 */
final class PairTable {
    private static final int PAGE_BITS = 17;               // 128 K chars: more than the longest possible key
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final int HEADER = 4;

    private char[][] pages = new char[4][];
    private int pageCount;
    private int pageFill = PAGE_SIZE;                      // forces the first page to be allocated on first insert
    private int[] table = new int[2 * 256];                // [hash, arena offset + 1] per slot; 0 = free
    private int[] offsets = new int[128];                  // arena offset of each pair, in insertion order
    private int size;

    int size() {
        return size;
    }

    /** The index of the pair, added if new; indexes are dense, in first-seen order. */
    int find(char[] chars, int accountFrom, int accountTo, int userFrom, int userTo) {
        int hash = 1;
        for (int i = accountFrom; i < accountTo; i++) {
            hash = 31 * hash + chars[i];
        }
        hash = 31 * hash + '|'; // never inside a field, so ("ab", "c") and ("a", "bc") hash apart
        for (int i = userFrom; i < userTo; i++) {
            hash = 31 * hash + chars[i];
        }
        // names differ in a few trailing characters ("hpc_proj-0001-alloc|user7"): a 31-polynomial alone clusters
        // them in a linear-probing table (4.4 probes on average for 2,000 x 50 such pairs), murmur3's finaliser
        // spreads them (1.3)
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >>> 16;
        int accountLength = accountTo - accountFrom;
        int userLength = userTo - userFrom;
        int mask = (table.length >> 1) - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int stored = table[2 * slot + 1];
            if (stored == 0) {
                return insert(slot, hash, chars, accountFrom, accountLength, userFrom, userLength);
            }
            if (table[2 * slot] == hash) {
                int offset = stored - 1;
                char[] page = pages[offset >>> PAGE_BITS];
                int at = offset & PAGE_MASK;
                if (page[at] == accountLength && page[at + 1] == userLength
                        && same(page, at + HEADER, chars, accountFrom, accountLength)
                        && same(page, at + HEADER + accountLength, chars, userFrom, userLength)) {
                    return page[at + 2] << 16 | page[at + 3];
                }
            }
        }
    }

    String account(int pair) {
        int offset = offsets[pair];
        char[] page = pages[offset >>> PAGE_BITS];
        int at = offset & PAGE_MASK;
        return new String(page, at + HEADER, page[at]);
    }

    /** The user of the pair, "" for account-level rows. */
    String user(int pair) {
        int offset = offsets[pair];
        char[] page = pages[offset >>> PAGE_BITS];
        int at = offset & PAGE_MASK;
        return new String(page, at + HEADER + page[at], page[at + 1]);
    }

    /** Short keys: a plain loop beats the vectorised Arrays.equals set-up. */
    private static boolean same(char[] a, int aFrom, char[] b, int bFrom, int length) {
        for (int i = 0; i < length; i++) {
            if (a[aFrom + i] != b[bFrom + i]) {
                return false;
            }
        }
        return true;
    }

    private int insert(int slot, int hash, char[] chars, int accountFrom, int accountLength, int userFrom,
                       int userLength) {
        int needed = HEADER + accountLength + userLength; // fields are shorter than a line, a line than a page
        if (pageFill + needed > PAGE_SIZE) {
            if (pageCount == pages.length) {
                pages = Arrays.copyOf(pages, pageCount * 2);
            }
            pages[pageCount++] = new char[PAGE_SIZE];
            pageFill = 0;
        }
        char[] page = pages[pageCount - 1];
        int at = pageFill;
        int pair = size++;
        page[at] = (char) accountLength;
        page[at + 1] = (char) userLength;
        page[at + 2] = (char) (pair >>> 16);
        page[at + 3] = (char) pair;
        System.arraycopy(chars, accountFrom, page, at + HEADER, accountLength);
        System.arraycopy(chars, userFrom, page, at + HEADER + accountLength, userLength);
        pageFill += needed;
        int offset = (pageCount - 1) << PAGE_BITS | at;
        if (pair == offsets.length) {
            offsets = Arrays.copyOf(offsets, pair * 2);
        }
        offsets[pair] = offset;
        table[2 * slot] = hash;
        table[2 * slot + 1] = offset + 1;
        if (size * 2 > table.length >> 1) {
            rehash();
        }
        return pair;
    }

    private void rehash() {
        int[] old = table;
        table = new int[old.length * 2];
        int mask = (table.length >> 1) - 1;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != 0) {
                int slot = old[i] & mask;
                while (table[2 * slot + 1] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[2 * slot] = old[i];
                table[2 * slot + 1] = old[i + 1];
            }
        }
    }
}
