package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboxTest {
    @TempDir
    Path dir;

    static Outbox.Queued q(String id, long stop) {
        return new Outbox.Queued(id, "{\"record_id\":\"" + id + "\"}", stop);
    }

    @Test
    void recordsAndWatermarkSurviveAReopenTogether() {
        Path f = dir.resolve("c.db");
        try (Outbox o = new Outbox(f)) {
            assertEquals(Optional.empty(), o.watermark());
            o.commitPoll(List.of(q("slurm-1", 100), q("slurm-2", 100)), List.of(), Instant.ofEpochSecond(200), Duration.ZERO);
        }
        try (Outbox o = new Outbox(f)) {
            assertEquals(Optional.of(Instant.ofEpochSecond(200)), o.watermark());
            assertEquals(List.of("slurm-1", "slurm-2"), o.due(10, 0).stream().map(Outbox.Pending::recordId).toList());
        }
    }

    @Test
    void theOverlapWindowsRepeatsAreDroppedWhetherQueuedDeliveredOrDead() {
        try (Outbox o = new Outbox(dir.resolve("c.db"))) {
            o.commitPoll(List.of(q("slurm-1", 100), q("slurm-2", 100)), List.of(
                    new Outbox.DeadLetter("slurm-3", "unbuildable", "no site", "{}")), Instant.ofEpochSecond(200), Duration.ofSeconds(600));
            o.delivered(List.of("slurm-1"), "200");
            Outbox.PollCommit again = o.commitPoll(List.of(q("slurm-1", 100), q("slurm-2", 100), q("slurm-3", 100), q("slurm-4", 150)),
                    List.of(new Outbox.DeadLetter("slurm-3", "unbuildable", "no site", "{}")), Instant.ofEpochSecond(300), Duration.ofSeconds(600));
            assertEquals(new Outbox.PollCommit(1, 3, List.of()), again);
            assertEquals(List.of("slurm-2", "slurm-4"), o.due(10, 0).stream().map(Outbox.Pending::recordId).toList());
            assertEquals(1, o.deadLetters());
        }
    }

    @Test
    void aRetriedRecordWaitsItsBackoffAndARefusedOneMovesToTheDeadLetters() {
        try (Outbox o = new Outbox(dir.resolve("c.db"))) {
            o.commitPoll(List.of(q("slurm-1", 100), q("slurm-2", 100)), List.of(), Instant.ofEpochSecond(200), Duration.ZERO);
            Outbox.Backoff b = new Outbox.Backoff(1000, 60_000);
            o.retryLater(List.of("slurm-1"), "HTTP 500", 10_000, b);
            assertEquals(List.of("slurm-2"), o.due(10, 10_500).stream().map(Outbox.Pending::recordId).toList());
            assertEquals(List.of("slurm-1", "slurm-2"), o.due(10, 11_000).stream().map(Outbox.Pending::recordId).toList());
            o.retryLater(List.of("slurm-1"), "HTTP 500", 11_000, b);
            assertEquals(1, o.due(10, 12_999).size(), "second attempt: 2 s");
            o.deadLetter("slurm-2", "refused", "HTTP 403 forbidden");
            assertEquals(1, o.pending());
            assertEquals("HTTP 403 forbidden", o.deadLetterList().get(0).reason());
            assertEquals(60_000, b.delayMs(30));
        }
    }

    @Test
    void deliveredIdsAreForgottenOnceNoWindowCanReturnThem() {
        try (Outbox o = new Outbox(dir.resolve("c.db"))) {
            o.commitPoll(List.of(q("slurm-1", 100)), List.of(), Instant.ofEpochSecond(200), Duration.ofSeconds(600));
            o.delivered(List.of("slurm-1"), "200");
            o.commitPoll(List.of(), List.of(), Instant.ofEpochSecond(701), Duration.ofSeconds(600));
            assertEquals(0, o.count("collector_delivered"));
        }
    }
}
