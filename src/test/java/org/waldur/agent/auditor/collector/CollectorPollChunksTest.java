package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.StreamedResult;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poll streams sacct's output into the outbox in chunks (CollectorPoll): every job arrives once, and the
 * watermark moves only with the poll's last chunk, so a poll that breaks off half-way loses nothing and queues
 * nothing twice when the window is read again. (Bounded memory itself: it/AuditorCollectorBigPollIT.)
 */
class CollectorPollChunksTest {
    static final Instant WINDOW_END = Instant.ofEpochSecond(1796089480L + 10_000);
    @TempDir
    Path dir;
    final CollectorConfig config = CollectorConfigTest.parse(CollectorConfigTest.AUDITOR_TEST_CONFIG, Map.of(
            "AUDITOR_SLURM_COLLECTOR_EARLIEST_DATETIME", "2026-12-01T00:00:00Z"));

    static String jobs(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            out.append(CollectorRouteTest.job(Integer.toString(i), i % 2 == 0 ? "part2" : "part1", ""));
        }
        return out.toString();
    }

    static StreamedResult sacct(InputStream stdout) {
        return new StreamedResult(SlurmResult.of(0, "", ""), stdout);
    }

    static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jobsAreCommittedChunkByChunkAndTheWatermarkWithTheLast() throws Exception {
        try (Outbox outbox = new Outbox(dir.resolve("o.db"))) {
            CollectorStatus status = new CollectorStatus(null, outbox);
            CollectorPoll poll = new CollectorPoll(config, outbox, status, Instant::now, 1000);
            // a job cancelled before it started and an unreadable line among 2500 jobs
            String out = jobs(1200) + "part1||1|||10M|99999|1796089478|1796089478|lab|alice|CANCELLED by 0|None assigned\n"
                    + "part1|a|b\n" + jobs(2500).substring(jobs(1200).length());
            CollectorPoll.Result r = poll.ingest(sacct(bytes(out)), WINDOW_END);
            assertEquals(new CollectorPoll.Result(2500, 2500, 0, 1, 0, 1), r);
            assertEquals(2500, outbox.pending());
            assertEquals(Optional.of(WINDOW_END), outbox.watermark());
            assertTrue(status.sacctError() == null && status.polled());
        }
    }

    @Test
    void aPollBrokenOffHalfWayKeepsTheWatermarkAndTheNextPollQueuesEachJobOnce() throws Exception {
        try (Outbox outbox = new Outbox(dir.resolve("o.db"))) {
            CollectorStatus status = new CollectorStatus(null, outbox);
            CollectorPoll poll = new CollectorPoll(config, outbox, status, Instant::now, 1000);
            String out = jobs(2500);
            // sacct's output file fails to read back after about 1700 jobs (each job is two lines)
            int cut = out.indexOf("|1700|");
            AtomicBoolean closed = new AtomicBoolean();
            InputStream failing = new FilterInputStream(bytes(out.substring(0, cut))) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n < 0) {
                        throw new IOException("read error in the sacct output file");
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    closed.set(true);
                    super.close();
                }
            };
            assertThrows(IOException.class, () -> poll.ingest(sacct(failing), WINDOW_END));
            assertTrue(closed.get(), "the output (a temporary file) is closed, so it is deleted");
            assertEquals(Optional.empty(), outbox.watermark(), "the watermark does not cover jobs not yet stored");
            assertEquals(1000, outbox.pending(), "the first chunk is stored");
            assertTrue(status.sacctError().contains("read error"), "health DOWN: " + status.sacctError());

            CollectorPoll.Result again = poll.ingest(sacct(bytes(out)), WINDOW_END);
            assertEquals(1500, again.queued());
            assertEquals(1000, again.alreadyKnown());
            assertEquals(2500, outbox.pending(), "each job once");
            assertEquals(Optional.of(WINDOW_END), outbox.watermark());
            assertEquals(null, status.sacctError());
        }
    }

    @Test
    void aFailingSacctStoresNothingAndClosesItsOutput() throws Exception {
        try (Outbox outbox = new Outbox(dir.resolve("o.db"))) {
            CollectorStatus status = new CollectorStatus(null, outbox);
            CollectorPoll poll = new CollectorPoll(config, outbox, status, Instant::now, 1000);
            AtomicBoolean closed = new AtomicBoolean();
            InputStream partial = new FilterInputStream(bytes(jobs(3))) {
                @Override
                public void close() throws IOException {
                    closed.set(true);
                    super.close();
                }
            };
            StreamedResult failed = new StreamedResult(SlurmResult.of(1, "", "sacct: error: slurmdbd: Connection refused"),
                    partial);
            assertThrows(CollectorPoll.SacctFailedException.class, () -> poll.ingest(failed, WINDOW_END));
            assertTrue(closed.get());
            assertEquals(0, outbox.pending(), "a failed sacct's partial output is not read");
            assertEquals(Optional.empty(), outbox.watermark());
        }
    }
}
