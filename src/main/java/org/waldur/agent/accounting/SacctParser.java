package org.waldur.agent.accounting;

import org.waldur.agent.slurm.TresString;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams {@code sacct --parsable2 --noheader --format=Account,<ReqTRES|AllocTRES>,Elapsed,User} output into a
 * {@link UsageAggregator}: usage = TRES amount × Elapsed for every configured TRES (site-agent-behaviour.md §7.2).
 *
 * <p>Constant memory: one fixed character buffer and no object per row — fields are char ranges, a new (account,
 * user) pair is copied into the aggregator's table, and only a rare decimal TRES value becomes a String. A line that is not exactly four fields with a
 * valid Elapsed — a description continued on the next line, a truncated last line, a {@code |} inside a field,
 * {@code INVALID}/{@code UNLIMITED} — is skipped and counted, never fatal: one bad line must not stop billing.
 * Which TRES column was asked for (requested or allocated) makes no difference here.
 */
public final class SacctParser {
    static final int BUFFER_CHARS = 1 << 16;    // also the longest line accepted; sacct rows are ~100 chars
    static final int MAX_EXAMPLES = 3;
    static final int EXAMPLE_CHARS = 160;

    private static final byte NONE = 0;
    private static final byte EXACT = 1;        // rowKibi holds the amount in 1/1024 base units
    private static final byte DECIMAL = 2;      // rowDecimal holds the amount in base units
    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);

    private final UsageAggregator aggregator;
    private final char[] buf = new char[BUFFER_CHARS];
    // the configured TRES of the row being read, committed only once the whole row is known to be good
    private final byte[] rowKind;
    private final long[] rowKibi;
    private final BigDecimal[] rowDecimal;

    // separators of the line being scanned, as offsets from its first char
    private int pipes;
    private int firstPipe;
    private int secondPipe;
    private int thirdPipe;

    private long lines;
    private long rowsUsed;
    private long malformed;
    private long blankLines;
    private final List<String> examples = new ArrayList<>();

    private SacctParser(UsageAggregator aggregator) {
        this.aggregator = aggregator;
        rowKind = new byte[aggregator.typeCount()];
        rowKibi = new long[aggregator.typeCount()];
        rowDecimal = new BigDecimal[aggregator.typeCount()];
    }

    /** Reads {@code reader} to its end (without closing it) into {@code aggregator}. */
    public static ParseStats parse(Reader reader, UsageAggregator aggregator) throws IOException {
        return new SacctParser(aggregator).run(reader);
    }

    /** As {@link #parse(Reader, UsageAggregator)} for sacct's stdout, decoded as UTF-8. */
    public static ParseStats parse(InputStream stdout, UsageAggregator aggregator) throws IOException {
        return parse(new InputStreamReader(stdout, StandardCharsets.UTF_8), aggregator);
    }

    private ParseStats run(Reader reader) throws IOException {
        int start = 0;              // first char of the current line
        int limit = 0;              // end of the chars read so far
        boolean discarding = false; // inside a line longer than the buffer: skip to its newline
        int read;
        while ((read = reader.read(buf, limit, buf.length - limit)) >= 0) {
            int scan = limit;
            limit += read;
            // one pass finds both the line ends and the field separators
            for (int i = scan; i < limit; i++) {
                char c = buf[i];
                if (c == '|') {
                    notePipe(i - start);
                } else if (c == '\n') {
                    if (discarding) {
                        discarding = false;
                    } else {
                        line(start, i);
                    }
                    start = i + 1;
                    pipes = 0;
                }
            }
            if (start == 0 && limit == buf.length) {
                if (!discarding) {
                    lines++;
                    malformed(0, EXAMPLE_CHARS, "longer than " + BUFFER_CHARS + " chars");
                    discarding = true;
                }
                limit = 0;
                pipes = 0;
                continue;
            }
            System.arraycopy(buf, start, buf, 0, limit - start); // pipe offsets are line-relative: still valid
            limit -= start;
            start = 0;
        }
        if (start < limit && !discarding) {
            line(start, limit); // last line without a newline: complete or cut off, the checks below decide
        }
        return new ParseStats(lines, rowsUsed, malformed, blankLines, examples);
    }

    /** Counts are reset per line and per discarded buffer, so they stay below the buffer size. */
    private void notePipe(int offsetInLine) {
        switch (pipes++) {
            case 0 -> firstPipe = offsetInLine;
            case 1 -> secondPipe = offsetInLine;
            case 2 -> thirdPipe = offsetInLine;
            default -> {
            }
        }
    }

    private void line(int from, int to) {
        lines++;
        if (to > from && buf[to - 1] == '\r') {
            to--; // Windows line ending
        }
        if (to == from) {
            blankLines++;
            return;
        }
        if (pipes != 3) {
            malformed(from, to, pipes < 3 ? "fewer than 4 fields" : "more than 4 fields");
            return;
        }
        int accountTo = from + firstPipe;
        int tresTo = from + secondPipe;
        int elapsedTo = from + thirdPipe;
        if (accountTo == from) {
            malformed(from, to, "no account");
            return;
        }
        long micros = ElapsedTime.micros(buf, tresTo + 1, elapsedTo);
        if (micros == ElapsedTime.INVALID) {
            malformed(from, to, "Elapsed is not a duration");
            return;
        }
        if (!readTres(accountTo + 1, tresTo)) {
            malformed(from, to, "TRES amount negative or not finite");
            return;
        }
        int pair = aggregator.pair(buf, from, accountTo, elapsedTo + 1, to);
        commit(pair, micros);
        rowsUsed++;
    }

    /** Fills rowKind/rowKibi/rowDecimal from the TRES field; false if an amount cannot be billed. */
    private boolean readTres(int from, int to) {
        Arrays.fill(rowKind, NONE);
        int i = from;
        while (i < to) {
            int comma = i;
            while (comma < to && buf[comma] != ',') {
                comma++;
            }
            int eq = i;
            while (eq < comma && buf[eq] != '=') {
                eq++;
            }
            if (eq < comma) { // a pair without '=' is skipped, as TresString.parse does
                int type = aggregator.typeIndex(buf, trimStart(i, eq), trimEnd(i, eq));
                if (type >= 0 && !readAmount(type, trimStart(eq + 1, comma), trimEnd(eq + 1, comma))) {
                    return false;
                }
            }
            i = comma + 1;
        }
        return true;
    }

    /** A repeated TRES overrides the earlier one, as in TresString.parse. */
    private boolean readAmount(int type, int from, int to) {
        long kibi = TresString.amountInKibi(aggregator.isMem(type), buf, from, to);
        if (kibi != TresString.NOT_AN_INTEGER) {
            rowKind[type] = EXACT;
            rowKibi[type] = kibi;
            return true;
        }
        double amount = TresString.amount(aggregator.type(type), new String(buf, from, to - from));
        if (!Double.isFinite(amount) || amount < 0) {
            return false;
        }
        rowKind[type] = DECIMAL;
        rowDecimal[type] = BigDecimal.valueOf(amount);
        return true;
    }

    private void commit(int pair, long micros) {
        boolean wholeSeconds = micros % ElapsedTime.MICROS_PER_SECOND == 0;
        long seconds = micros / ElapsedTime.MICROS_PER_SECOND;
        for (int t = 0; t < rowKind.length; t++) {
            if (rowKind[t] == EXACT && wholeSeconds) {
                aggregator.addExact(pair, t, rowKibi[t], seconds);
            } else if (rowKind[t] != NONE && micros != 0) {
                BigDecimal amount = rowKind[t] == EXACT
                        ? BigDecimal.valueOf(rowKibi[t]).divide(KIBI) : rowDecimal[t];
                aggregator.addInexact(pair, t, amount.multiply(BigDecimal.valueOf(micros, 6)));
            }
        }
    }

    private int trimStart(int from, int to) {
        while (from < to && buf[from] <= ' ') {
            from++;
        }
        return from;
    }

    private int trimEnd(int from, int to) {
        while (to > from && buf[to - 1] <= ' ') {
            to--;
        }
        return to;
    }

    private void malformed(int from, int to, String reason) {
        malformed++;
        if (examples.size() < MAX_EXAMPLES) {
            int end = Math.min(to, from + EXAMPLE_CHARS);
            String text = new String(buf, from, end - from) + (end < to ? "…" : "");
            examples.add("line " + lines + " (" + reason + "): " + text);
        }
    }
}
