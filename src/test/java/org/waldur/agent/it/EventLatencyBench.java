package org.waldur.agent.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Event → done latency of event_process, not a test (timings on a shared machine are no pass/fail). Runs the
 * distribution with {@code -m event_process} against the real SLURM and RabbitMQ sandboxes (as root), then:
 * sequential — N orders placed one at a time, each timed from its placement (Waldur publishes the ORDER event)
 * until Waldur shows it done (SLURM account made, limits set); burst — N orders placed at once, each timed the
 * same way, and the whole burst. Every order's account is checked in sacctmgr at the end.
 *
 * <pre>
 * mvn -B -q package -DskipTests && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.waldur.agent.it.EventLatencyBench 100
 * </pre>
 */
public final class EventLatencyBench {
    private EventLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            long[] seq = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                String order = rig.order("seq" + i);
                rig.waitFor(() -> rig.done(order), 60_000, "order seq" + i + " done");
                seq[i] = System.nanoTime() - t0;
                System.out.printf("order %d: %.0f ms%n", i, seq[i] / 1e6); // partial figures survive a SLURM outage
            }
            print("sequential, " + n + " orders one at a time", seq);

            List<String> orders = new ArrayList<>();
            long[] placed = new long[n];
            long[] burst = new long[n];
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
                    throw new IllegalStateException(left + " burst orders not done after 300 s");
                }
                Thread.sleep(5);
            }
            long whole = System.nanoTime() - b0;
            print("burst, " + n + " orders placed at once", burst);
            System.out.printf("burst: all %d done %.0f ms after the first was placed; orders passes run: %d%n", n,
                    whole / 1e6, rig.count("orders pass for"));
            long accounts = RealSlurm.associations().keySet().stream().filter(a -> a.startsWith("eva_")).count();
            System.out.printf("SLURM: %d allocation accounts (expected %d)%n", accounts, 2L * n);
            if (accounts != 2L * n) {
                throw new IllegalStateException("accounts missing in SLURM");
            }
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s: min %.0f ms, p50 %.0f, p90 %.0f, p99 %.0f, max %.0f; %d of %d within 2 s%n", what,
                s[0] / 1e6, pct(s, 50) / 1e6, pct(s, 90) / 1e6, pct(s, 99) / 1e6, s[s.length - 1] / 1e6,
                Arrays.stream(s).filter(x -> x <= 2_000_000_000L).count(), s.length);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
