package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.collector.FakeAuditor;
import org.waldur.agent.auditor.collector.Outbox;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector killed with SIGKILL at random points while 1000 jobs finish over 60 s and their records flow,
 * with the AUDITOR server stopped for a while (two lives of the collector), answering 500 and losing answers after storing: afterwards the
 * server holds exactly one record per job, none lost, and the outbox is empty with no dead letter.
 *
 * <p>sacct is a scripted stand-in on PATH ({@link CollectorBurst}). No SLURM needed; runs everywhere. The same
 * against our own record server and its PostgreSQL: {@link AuditorCollectorCrashOnOurServerIT}.
 */
class AuditorCollectorCrashIT {
    static final int JOBS = 1000;

    @Test
    void killedAtRandomWithTheServerFailingEveryJobEndsAsExactlyOneRecord() throws Exception {
        CollectorBurst burst = CollectorBurst.create("crash", JOBS, 60);
        long t0 = burst.t0;
        Set<String> expected = burst.expected;
        Path db = burst.db;
        try (FakeAuditor server = FakeAuditor.start()) {
            Path cfg = burst.config(server.port());
            Map<String, String> env = burst.env();
            Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
            List<String> log = new ArrayList<>();
            int kills = 0;
            while (Instant.now().getEpochSecond() < t0 + 64 || kills < 8) {
                try (CollectorProcess c = CollectorProcess.start(cfg, env)) {
                    if (kills == 3) {
                        server.pause();
                        log.add("server stopped");
                    }
                    if (kills == 6) {
                        server.failNext(7);
                    }
                    if (kills == 8) {
                        server.storeThenDropNext(3);
                    }
                    // mostly while it works (after start-up, whatever the machine's speed), sometimes during start-up
                    boolean early = random.nextInt(5) == 0;
                    if (!early && !c.awaitStarted(120_000)) {
                        throw new AssertionError("the collector did not start:\n" + c.output());
                    }
                    // kill mid-flow: once the server took something new from this life (or, while the server is
                    // down, a few polls in), then a random moment later
                    int before = server.records().size();
                    boolean serverDown = kills == 3 || kills == 4;
                    long waitUntil = System.currentTimeMillis() + (serverDown ? 2000 + random.nextInt(6000) : 20_000);
                    while (!early && System.currentTimeMillis() < waitUntil && (serverDown || server.records().size() == before)
                            && c.process.isAlive()) {
                        Thread.sleep(50);
                    }
                    long life = random.nextInt(early ? 2000 : 1500);
                    Thread.sleep(life);
                    c.kill();
                    kills++;
                    log.add("SIGKILL " + life + " ms after " + (early ? "launch" : serverDown ? "start" : "progress") + ", server holds "
                            + server.records().size());
                    if (kills == 5) {
                        server.resume();
                        log.add("server back");
                    }
                }
            }
            long tFinal = System.currentTimeMillis();
            try (CollectorProcess c = CollectorProcess.start(cfg, env)) {
                while (server.records().size() < JOBS && System.currentTimeMillis() - tFinal < 120_000) {
                    Thread.sleep(250);
                }
                // the server may hold every record while the collector still retries the last answers it lost
                // (storeThenDropNext): wait for its outbox to drain, not a fixed time (a fixed 3 s failed in CI)
                while (pendingIn(db) != 0 && System.currentTimeMillis() - tFinal < 180_000) {
                    Thread.sleep(250);
                }
                int rc = c.stop();
                assertTrue(rc == 0 || rc == 143, "exit " + rc + "\n" + c.output());
            }
            System.out.println("crash suite: " + String.join("; ", log));
            System.out.printf("crash suite: %d SIGKILLs, %d records at the server, %d POSTs, %d duplicate records posted "
                    + "(answered RECORD_EXISTS)%n", kills, server.records().size(), server.posts(), server.duplicatesPosted());
            assertEquals(expected, new TreeSet<>(server.records().keySet()), "exactly the 1000 jobs' records");
            assertEquals(1.2, server.record("crash-50001").at("/components/0/scores/0/value").asDouble());
            assertEquals("SiteB", server.record("crash-50001").at("/meta/site_id/0").asText());
            assertEquals(101, server.record("crash-50001").at("/components/1/amount").asLong());
        }
        try (Outbox o = new Outbox(db)) {
            assertEquals(0, o.pending(), "nothing left in the outbox");
            assertEquals(0, o.deadLetters(), o.deadLetterList().toString());
            assertEquals(JOBS, o.count("collector_delivered"));
        }
    }

    /** The outbox's pending count as the running collector left it; unknown (busy) counts as not drained. */
    private static long pendingIn(Path db) {
        try (Outbox o = new Outbox(db)) {
            return o.pending();
        } catch (RuntimeException busy) {
            return -1;
        }
    }
}
