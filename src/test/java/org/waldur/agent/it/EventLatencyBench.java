package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Event → done latency of event_process; a bench, not a test (timings on a shared machine are no pass/fail, so it
 * only fails when an order is not done or its account is missing in SLURM). It runs the distribution with
 * {@code -m event_process} against the real SLURM and RabbitMQ sandboxes (as root), then: sequential — N orders
 * placed one at a time, each timed from its placement (the fake Waldur publishes the ORDER event as it stores the
 * order) until Waldur shows it done (SLURM account made and verified, limits set, set_state_done); burst — N
 * orders placed at once, each timed the same way, and the whole burst. It prints min/p50/p90/p99/max and how many
 * were within the 2 s, with the load average before and after (the machine is shared: quote both).
 * Every order's account is checked in sacctmgr at the end. One command, from the project directory (the name
 * matches neither the unit nor the IT pattern, so only this runs it):
 *
 * <pre>
 * flock /tmp/slurm-it.lock mvn -B -o verify -Dit.test=EventLatencyBench -Dbench.orders=100 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
public final class EventLatencyBench {
    private static final long ORDER_TIMEOUT_MS = 120_000;

    @Test
    void eventToDoneLatency() throws Exception {
        run(Integer.getInteger("bench.orders", 100));
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 100);
    }

    static void run(int n) throws Exception {
        System.out.printf("event latency bench: %d orders; load average before: %s%n", n, loadAverage());
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            long[] seq = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                String order = rig.order("seq" + i);
                rig.waitFor(() -> rig.done(order), ORDER_TIMEOUT_MS, "order seq" + i + " done");
                seq[i] = System.nanoTime() - t0;
                if (i % 10 == 9 || i == n - 1) { // partial figures survive an interrupted run
                    System.out.printf("sequential: %d of %d done, last %.0f ms%n", i + 1, n, seq[i] / 1e6);
                }
            }
            print("sequential, " + n + " orders one at a time", seq);

            List<String> orders = new ArrayList<>();
            long[] placed = new long[n];
            long[] burst = new long[n];
            long passesBefore = rig.count("orders pass for");
            long b0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                placed[i] = System.nanoTime();
                orders.add(rig.order("burst" + i));
            }
            int left = n;
            while (left > 0) {
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (burst[i] == 0 && rig.done(orders.get(i))) {
                        burst[i] = now - placed[i];
                        left--;
                    }
                }
                if (now - b0 > 300_000_000_000L) {
                    throw new IllegalStateException(left + " burst orders not done after 300 s; agent output:\n" + rig.output());
                }
                Thread.sleep(5);
            }
            long whole = System.nanoTime() - b0;
            print("burst, " + n + " orders placed at once", burst);
            System.out.printf("burst: all %d done %.0f ms after the first was placed, in %d orders pass(es)%n", n,
                    whole / 1e6, rig.count("orders pass for") - passesBefore);
            long accounts = RealSlurm.associations().keySet().stream().filter(a -> a.startsWith("eva_")).count();
            System.out.printf("SLURM: %d allocation accounts (expected %d); load average after: %s%n", accounts, 2L * n, loadAverage());
            if (accounts != 2L * n) {
                throw new IllegalStateException("accounts missing in SLURM");
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown (" + e + ")";
        }
    }

    private static String print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        String line = String.format("%s: min %.0f ms, p50 %.0f, p90 %.0f, p99 %.0f, max %.0f; %d of %d within 2 s", what,
                s[0] / 1e6, pct(s, 50) / 1e6, pct(s, 90) / 1e6, pct(s, 99) / 1e6, s[s.length - 1] / 1e6,
                Arrays.stream(s).filter(x -> x <= 2_000_000_000L).count(), s.length);
        System.out.println(line);
        return line;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
