package org.waldur.agent.accounting;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Throughput of sacct parsing + aggregation, not a test (run by hand; timings on a shared machine are no pass/fail):
 * <pre>
 * mvn -q -B -o test-compile
 * java -Xmx64m -cp target/classes:target/test-classes org.waldur.agent.accounting.SacctParseBench 1000000
 * </pre>
 * Lines come from a generator Reader (2,000 accounts × 50 users, realistic ReqTRES and Elapsed) that composes each
 * line from precomputed pieces, so it is not the bottleneck; its own throughput is printed too. Every run checks
 * the parsed totals against the totals the generator knows it wrote.
 */
public final class SacctParseBench {
    private static final List<String> TYPES = List.of("cpu", "mem", "gres/gpu");
    private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 2_000);
    private static final int USERS = Integer.getInteger("bench.users", 50);
    private static final int WARMUP_RUNS = 3;
    private static final int MEASURED_RUNS = 5;

    /** ReqTRES as sacct --noconvert prints it, with the amounts the bench expects for cpu, mem (MB), gres/gpu. */
    private record Tres(String text, long cpu, long memMb, long gpu) {
    }

    private static final Tres[] TRES = {
            new Tres("billing=4,cpu=4,gres/gpu=1,mem=16000M,node=1", 4, 16000, 1),
            new Tres("billing=1,cpu=1,mem=2000M,node=1", 1, 2000, 0),
            new Tres("billing=2,cpu=2,mem=4096M,node=1", 2, 4096, 0),
            new Tres("billing=128,cpu=128,mem=512000M,node=2", 128, 512000, 0),
            new Tres("billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=65536M,node=1", 8, 65536, 2),
            new Tres("billing=32,cpu=32,energy=0,gres/gpu=4,mem=256000M,node=1", 32, 256000, 4),
            new Tres("billing=16,cpu=16,mem=64G,node=1", 16, 65536, 0),
            new Tres("", 0, 0, 0), // a job that never started has no AllocTRES
    };

    private static final String[] ELAPSED = new String[64];
    private static final long[] ELAPSED_SECONDS = new long[64];

    static {
        for (int i = 0; i < ELAPSED.length; i++) {
            long seconds = switch (i % 4) {
                case 0 -> i * 37L;                          // seconds to minutes
                case 1 -> i * 1_234L;                       // hours
                case 2 -> i * 17_321L % (30 * 86_400L);     // days, within a month (--truncate)
                default -> 86_400L * (i % 30) + i * 61L;    // D-HH:MM:SS
            };
            ELAPSED_SECONDS[i] = seconds;
            long days = seconds / 86_400;
            String hms = String.format("%02d:%02d:%02d", seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60);
            ELAPSED[i] = days > 0 ? days + "-" + hms : hms;
        }
    }

    public static void main(String[] args) throws IOException {
        long lines = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        System.out.printf("SacctParseBench: %,d lines per run, %d accounts x %d users, -Xmx%dm, %d cpus%n",
                lines, ACCOUNTS, USERS, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());

        double generatorBest = 0;
        for (int run = 0; run < 3; run++) {
            generatorBest = Math.max(generatorBest, generatorOnly(lines));
        }
        System.out.printf("generator only: best %,.0f lines/s%n", generatorBest);

        for (int run = 1; run <= WARMUP_RUNS; run++) {
            System.out.printf("warm-up %d: %s%n", run, parseRun(lines));
        }
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        AfterGcPeak afterGc = AfterGcPeak.start();
        double best = 0;
        double bestCpu = 0;
        for (int run = 1; run <= MEASURED_RUNS; run++) {
            RunResult result = parseRun(lines);
            best = Math.max(best, result.linesPerSecond);
            bestCpu = Math.max(bestCpu, result.linesPerCpuSecond);
            System.out.printf("run %d:     %s%n", run, result);
        }
        System.out.printf("best: %,.0f lines/s wall, %,.0f lines/s of thread CPU (parse + aggregate + result())%n",
                best, bestCpu);
        System.out.printf("heap during measured runs: peak after a GC %.1f MB (live data + what survived), "
                + "pool peaks %s%n", afterGc.peakMb(), poolPeaks());
    }

    /** linesPerCpuSecond uses this thread's CPU time: less disturbed by other processes on a shared machine. */
    private record RunResult(double linesPerSecond, double linesPerCpuSecond, double parseMs, double resultMs,
                             int pairs, String checksum, double retainedMb) {
        @Override
        public String toString() {
            return String.format("%,.0f lines/s wall, %,.0f lines/s of thread CPU (parse %.0f ms, result() %.0f ms), "
                    + "%,d pairs, retained %.1f MB, %s", linesPerSecond, linesPerCpuSecond, parseMs, resultMs, pairs,
                    retainedMb, checksum);
        }
    }

    private static RunResult parseRun(long lines) throws IOException {
        SyntheticSacct input = new SyntheticSacct(lines);
        UsageAggregator aggregator = new UsageAggregator(TYPES);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        ParseStats stats = SacctParser.parse(input, aggregator);
        long parsed = System.nanoTime();
        Map<String, AccountUsage> result = aggregator.result();
        long done = System.nanoTime();
        long cpuDone = threads.getCurrentThreadCpuTime();
        if (stats.rowsUsed() != lines || stats.malformed() != 0) {
            throw new IllegalStateException("unexpected parse stats: " + stats.summary());
        }
        String checksum = checksum(result, input);
        double retainedMb = retainedHeapMb();
        if (result.isEmpty()) { // keeps result reachable until after the measurement above
            throw new IllegalStateException("no result");
        }
        return new RunResult(lines / ((done - start) / 1e9), lines / ((cpuDone - cpuStart) / 1e9),
                (parsed - start) / 1e6, (done - parsed) / 1e6,
                aggregator.pairCount(), checksum, retainedMb);
    }

    /** Σ account totals per type, compared with what the generator wrote; throws on any difference. */
    private static String checksum(Map<String, AccountUsage> result, SyntheticSacct input) {
        StringBuilder s = new StringBuilder("totals");
        for (String type : TYPES) {
            BigDecimal parsed = result.values().stream().map(u -> u.total().get(type))
                    .reduce(BigDecimal.ZERO, BigDecimal::add).setScale(6, RoundingMode.HALF_UP);
            BigDecimal expected = new BigDecimal(input.expectedUnitSeconds(type))
                    .divide(BigDecimal.valueOf(60), 6, RoundingMode.HALF_UP);
            if (parsed.compareTo(expected) != 0) {
                throw new IllegalStateException(type + ": parsed " + parsed + " but generated " + expected);
            }
            s.append(' ').append(type).append('=').append(parsed.setScale(0, RoundingMode.HALF_UP).toPlainString());
        }
        return s.append(" min (match generator)").toString();
    }

    private static double generatorOnly(long lines) throws IOException {
        SyntheticSacct input = new SyntheticSacct(lines);
        char[] sink = new char[SacctParser.BUFFER_CHARS];
        long chars = 0;
        long start = System.nanoTime();
        int n;
        while ((n = input.read(sink, 0, sink.length)) >= 0) {
            chars += n + sink[n > 0 ? n - 1 : 0]; // consume the data so the copy cannot be skipped
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (chars == 0) {
            throw new IllegalStateException("nothing generated");
        }
        return lines / seconds;
    }

    private static double retainedHeapMb() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }

    /** Peak use of each heap pool; they peak at different moments, so their sum only bounds the total. */
    private static String poolPeaks() {
        StringBuilder s = new StringBuilder();
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                long used = pool.getPeakUsage().getUsed();
                sum += used;
                s.append(pool.getName()).append(String.format(" %.1f MB, ", used / 1048576.0));
            }
        }
        return s.append(String.format("sum %.1f MB", sum / 1048576.0)).toString();
    }

    /** Largest heap occupancy right after any collection: the working set the parse really needs. */
    private static final class AfterGcPeak implements NotificationListener {
        private volatile long peakBytes;

        static AfterGcPeak start() {
            AfterGcPeak listener = new AfterGcPeak();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
            }
            return listener;
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(MemoryUsage::getUsed).sum();
                peakBytes = Math.max(peakBytes, used);
            }
        }

        double peakMb() {
            return peakBytes / 1048576.0;
        }
    }

    /**
     * sacct output on the fly: each line is account|tres|elapsed|user picked by a xorshift generator from
     * precomputed char arrays, written into a 64 K chunk that read() copies out. Counts how often each
     * (TRES, Elapsed) combination was written, so the expected totals are exact.
     */
    static final class SyntheticSacct extends Reader {
        private static final char[][] ACCOUNT_NAMES = new char[ACCOUNTS][];
        private static final char[][] USER_NAMES = new char[USERS][];
        private static final char[][] TRES_TEXT = new char[TRES.length][];
        private static final char[][] ELAPSED_TEXT = new char[ELAPSED.length][];

        static {
            for (int a = 0; a < ACCOUNTS; a++) {
                ACCOUNT_NAMES[a] = String.format("hpc_proj-%04d-alloc", a).toCharArray();
            }
            for (int u = 0; u < USERS; u++) {
                USER_NAMES[u] = ("user" + u).toCharArray();
            }
            for (int t = 0; t < TRES.length; t++) {
                TRES_TEXT[t] = TRES[t].text().toCharArray();
            }
            for (int e = 0; e < ELAPSED.length; e++) {
                ELAPSED_TEXT[e] = ELAPSED[e].toCharArray();
            }
        }

        private final char[] chunk = new char[1 << 16];
        private final long[][] written = new long[TRES.length][ELAPSED.length];
        private int position;
        private int limit;
        private long remaining;
        private long state = 0x9E3779B97F4A7C15L;

        SyntheticSacct(long lines) {
            remaining = lines;
        }

        @Override
        public int read(char[] target, int offset, int length) {
            if (position == limit) {
                refill();
                if (limit == 0) {
                    return -1;
                }
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(chunk, position, target, offset, n);
            position += n;
            return n;
        }

        private void refill() {
            position = 0;
            limit = 0;
            while (remaining > 0 && limit + 256 <= chunk.length) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                long r = state >>> 1;
                int tres = (int) (r % TRES.length);
                int elapsed = (int) (r / 8 % ELAPSED.length);
                written[tres][elapsed]++;
                append(ACCOUNT_NAMES[(int) (r / 512 % ACCOUNTS)]);
                chunk[limit++] = '|';
                append(TRES_TEXT[tres]);
                chunk[limit++] = '|';
                append(ELAPSED_TEXT[elapsed]);
                chunk[limit++] = '|';
                append(USER_NAMES[(int) (r / 1_024_000 % USERS)]);
                chunk[limit++] = '\n';
                remaining--;
            }
        }

        private void append(char[] piece) {
            System.arraycopy(piece, 0, chunk, limit, piece.length);
            limit += piece.length;
        }

        /** Σ amount × seconds of everything generated so far, in base-unit-seconds (MB-seconds for mem). */
        BigInteger expectedUnitSeconds(String type) {
            BigInteger sum = BigInteger.ZERO;
            for (int t = 0; t < TRES.length; t++) {
                long amount = switch (type) {
                    case "cpu" -> TRES[t].cpu();
                    case "mem" -> TRES[t].memMb();
                    default -> TRES[t].gpu();
                };
                for (int e = 0; e < ELAPSED.length; e++) {
                    sum = sum.add(BigInteger.valueOf(amount).multiply(BigInteger.valueOf(ELAPSED_SECONDS[e]))
                            .multiply(BigInteger.valueOf(written[t][e])));
                }
            }
            return sum;
        }

        @Override
        public void close() {
        }
    }
}
