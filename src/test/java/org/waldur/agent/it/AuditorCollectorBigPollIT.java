package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.collector.Outbox;
import org.waldur.agent.auditor.server.RunningServer;
import org.waldur.agent.auditor.server.StoreKind;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One collector poll over 100 000 finished jobs in a 64 MB heap: the distribution's collector (JAVA_OPTS -Xmx64m,
 * exit on OutOfMemoryError) reads a sacct stand-in that prints 100 000 jobs with their {@code .batch} rows in one
 * window, and every job ends as one record in our record server's store. Before sacct's output was streamed the
 * collector held the whole output, every parsed row and every record at once and died at -Xmx256m already.
 */
class AuditorCollectorBigPollIT {
    static final int JOBS = 100_000;
    static final String STAND_IN = """
            #!/usr/bin/python3
            # sacct stand-in: $BIG_SACCT_JOBS finished jobs, each with a .batch row, in the --format order asked for
            import os, sys
            a = sys.argv[1:]
            keys = a[a.index('--format') + 1].split(',')
            out = sys.stdout
            for i in range(int(os.environ['BIG_SACCT_JOBS'])):
                end = 1796000000 + i
                job = {'JobID': str(2000000 + i), 'Partition': 'part1' if i % 2 == 0 else 'part2', 'NCPUS': 1 + i % 8,
                       'ReqMem': '%dM' % (100 + i % 900), 'Start': end - 600, 'End': end, 'Group': 'lab',
                       'User': 'alice', 'State': 'COMPLETED', 'NodeList': 'vm'}
                out.write('|'.join(str(job.get(k, '')) for k in keys) + '\\n')
                batch = {k: job[k] for k in ('Start', 'End', 'State', 'NCPUS', 'NodeList')}
                batch['JobID'] = job['JobID'] + '.batch'
                out.write('|'.join(str(batch.get(k, '')) for k in keys) + '\\n')
            """;

    @Test
    void aPollOverAHundredThousandJobsFitsIn64MbAndDeliversEachJobOnce() throws Exception {
        Path dir = Files.createTempDirectory("aucol-big");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path sacct = bin.resolve("sacct");
        Files.writeString(sacct, STAND_IN);
        Files.setPosixFilePermissions(sacct, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = dir.resolve("outbox.db");
        try (RunningServer server = RunningServer.start(StoreKind.embeddedAt(
                Path.of(System.getProperty("java.io.tmpdir"), "waldur-camel-agent-big-poll-it")), false)) {
            Path cfg = dir.resolve("collector.yaml");
            Files.writeString(cfg, """
                    addr: "127.0.0.1"
                    port: %d
                    record_prefix: "big"
                    earliest_datetime: "2026-01-01T00:00:00Z"
                    database_path: "sqlite://%s"
                    sacct_frequency: 600
                    sender_frequency: 1
                    sender_batch_size: 1000
                    sites:
                      - {name: "SiteA", only_if: {key: "Partition", matches: "^part1$"}}
                      - {name: "SiteB", only_if: {key: "Partition", matches: "^part2$"}}
                    components:
                      - {name: "Cores", key: "NCPUS", scores: [{name: "HEPSPEC06", value: 1.1}]}
                      - {name: "Memory", key: "ReqMem", key_type: IntegerMega}
                    tls_config: {use_tls: false}
                    """.formatted(server.port, db));
            Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"),
                    "BIG_SACCT_JOBS", Integer.toString(JOBS),
                    "JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError");
            long t0 = System.nanoTime();
            try (CollectorProcess c = CollectorProcess.start(cfg, env)) {
                long deadline = System.currentTimeMillis() + 240_000;
                while ((stored(server) < JOBS || pendingIn(db) != 0) && c.process.isAlive()
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                }
                String log = c.output();
                assertTrue(c.process.isAlive(), "the collector died (exit " + (c.process.isAlive() ? "" : c.process.exitValue())
                        + "):\n" + tail(log));
                assertFalse(log.contains("OutOfMemoryError"), tail(log));
                System.out.printf("big poll: %,d jobs → %,d records in the store in %.1f s with -Xmx64m%n", JOBS,
                        stored(server), (System.nanoTime() - t0) / 1e9);
                assertEquals(JOBS, stored(server), "every job one record in the store:\n" + tail(log));
                int rc = c.stop();
                assertTrue(rc == 0 || rc == 143, "exit " + rc + " on SIGTERM:\n" + tail(c.output()));
            }
            HttpResponse<String> last = server.get("/record/big-2099999");
            assertEquals(200, last.statusCode(), last.body());
            assertTrue(last.body().contains("\"SiteB\""), last.body());
        }
        try (Outbox o = new Outbox(db)) {
            assertEquals(0, o.pending());
            assertEquals(0, o.deadLetters(), o.deadLetterList().toString());
            assertTrue(o.watermark().isPresent(), "the poll committed its watermark");
        }
    }

    static long stored(RunningServer server) throws SQLException {
        try (Connection c = server.server.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM auditor_accounting WHERE record_id LIKE 'big-%'")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The outbox's pending count as the running collector left it; unknown (busy) counts as not drained. */
    static long pendingIn(Path db) {
        try (Outbox o = new Outbox(db)) {
            return o.pending();
        } catch (RuntimeException busy) {
            return -1;
        }
    }

    static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
