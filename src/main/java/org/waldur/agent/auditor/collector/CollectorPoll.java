package org.waldur.agent.auditor.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.slurm.SacctJobs;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.StreamedResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One sacct poll (routes/auditor-slurm-collector.camel.yaml, {@code auditor-collector-poll}): the window from the
 * stored watermark less the overlap up to now; sacct's output is streamed (a temporary file, routes/slurm.camel.yaml)
 * and every job becomes a record or a dead letter, committed to the outbox in chunks; the new watermark is committed
 * with the last chunk ({@link Outbox#commitPoll}), so it never covers a record not yet in the outbox.
 *
 * <p>The watermark is the END OF THE WINDOW QUERIED, not the latest job end (AUDITOR's choice, which misses jobs
 * slurmdbd writes late, auditor.md §3.6); the overlap ({@code sacct_overlap}, 600 s) gives late writes time to land
 * and the outbox drops what it has seen before. Without a watermark the window starts at
 * {@code earliest_datetime} (default: start-up, as AUDITOR).
 */
public final class CollectorPoll {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorPoll.class);
    /** Jobs per outbox transaction: about a megabyte of records in memory, a hundred commits per 100 000 jobs. */
    static final int CHUNK_SIZE = 1000;
    private final CollectorConfig config;
    private final Outbox outbox;
    private final RecordBuilder builder;
    private final CollectorStatus status;
    private final Supplier<Instant> clock;
    private final List<String> keys;
    private final int chunkSize;

    public CollectorPoll(CollectorConfig config, Outbox outbox, CollectorStatus status, Supplier<Instant> clock) {
        this(config, outbox, status, clock, CHUNK_SIZE);
    }

    CollectorPoll(CollectorConfig config, Outbox outbox, CollectorStatus status, Supplier<Instant> clock, int chunkSize) {
        this.chunkSize = chunkSize;
        this.config = config;
        this.outbox = outbox;
        this.builder = new RecordBuilder(config);
        this.status = status;
        this.clock = clock;
        this.keys = config.sacctKeys();
    }

    /** What one poll did. */
    public record Result(int jobs, int queued, int alreadyKnown, int deadLettered, int running, int unstarted) {
    }

    /** sacct failed: the poll stops here, the watermark stays, health turns DOWN. */
    public static final class SacctFailedException extends RuntimeException {
        public SacctFailedException(String message) {
            super(message);
        }
    }

    public SlurmCommand sacctCommand(Exchange exchange) {
        Instant to = clock.get().truncatedTo(ChronoUnit.SECONDS);
        Instant from = outbox.watermark().map(w -> w.minus(config.sacctOverlap())).orElse(config.earliestDatetime());
        if (from.isAfter(to)) {
            from = to;
        }
        exchange.setProperty("auditorWindowEnd", to);
        // streamed: a window of 100 000 jobs is read from a temporary file, never held in memory
        return SlurmCommands.auditorJobs(keys, from, to, config.jobFilterFlags()).withStreamedOutput();
    }

    public Result ingest(StreamedResult sacct, @ExchangeProperty("auditorWindowEnd") Instant windowEnd) throws IOException {
        try (sacct) {
            if (!sacct.result().succeeded()) {
                status.sacctFailed(sacct.result().message());
                throw new SacctFailedException("sacct failed: " + sacct.result().message());
            }
            try {
                return collect(sacct, windowEnd);
            } catch (IOException | RuntimeException e) {
                // sacct's output cannot be read back, or the outbox cannot be written (disk full, file gone): as
                // much an outage as a failing sacct; chunks already committed stay in the outbox, the watermark stays
                status.sacctFailed("the poll could not be stored: " + e.getMessage());
                throw e;
            }
        }
    }

    /**
     * Streams sacct's output: every {@link #chunkSize} jobs, their records and dead letters are committed in one
     * transaction WITHOUT the watermark; the last chunk commits with it. So memory holds one chunk whatever the
     * number of jobs, and the watermark still only moves with every record of its window in the outbox: a kill
     * mid-poll leaves it where it was, the next poll reads the whole window again and the outbox drops what it
     * already holds.
     */
    private Result collect(StreamedResult sacct, Instant windowEnd) throws IOException {
        Chunk chunk = new Chunk();
        BufferedReader lines = new BufferedReader(new InputStreamReader(sacct.stdout(), StandardCharsets.UTF_8));
        SacctJobs.read(lines, keys, config.allowEmptyKeys(), new SacctJobs.Sink() {
            @Override
            public void job(SacctJobs.Job job) {
                chunk.jobs++;
                if (RecordBuilder.stillRunning(job)) {
                    chunk.running++;
                    return;
                }
                try {
                    Record r = builder.build(job);
                    // a job printed twice in one window: the later row is the one to keep, as sacct's last word
                    chunk.records.put(r.recordId(), new Outbox.Queued(r.recordId(), json(r), r.stopTime().getEpochSecond()));
                } catch (RecordBuilder.Unbuildable e) {
                    chunk.dead.add(new Outbox.DeadLetter(builder.recordId(job.jobId()), "unbuildable", e.getMessage(),
                            job.values().toString()));
                }
                if (chunk.records.size() + chunk.dead.size() >= chunkSize) {
                    chunk.commit(null);
                }
            }

            @Override
            public void unparsable(SacctJobs.Unparsable u) {
                String id = u.jobId() != null && !u.jobId().isEmpty() ? builder.recordId(u.jobId()) : "line:" + u.line().hashCode();
                chunk.dead.add(new Outbox.DeadLetter(id, "unparsable", u.reason(), u.line()));
            }

            @Override
            public void unstarted(String jobId) {
                chunk.unstarted++;
            }
        });
        chunk.commit(windowEnd);
        status.pollSucceeded();
        Result r = new Result(chunk.jobs, chunk.queued, chunk.known, chunk.deadLettered, chunk.running, chunk.unstarted);
        LOG.debug("poll up to {}: {}", windowEnd, r);
        return r;
    }

    /** The poll's jobs not yet committed, and the counts of the whole poll so far. */
    private final class Chunk {
        final Map<String, Outbox.Queued> records = new LinkedHashMap<>();
        final List<Outbox.DeadLetter> dead = new ArrayList<>();
        int jobs;
        int running;
        int unstarted;
        int queued;
        int known;
        int deadLettered;

        /** Commits the chunk; {@code watermark} only with the poll's last chunk (null before). */
        void commit(Instant watermark) {
            Outbox.PollCommit c = watermark == null
                    ? outbox.commitRecords(List.copyOf(records.values()), dead)
                    : outbox.commitPoll(List.copyOf(records.values()), dead, watermark, forgetAfter());
            status.collected(c.queued(), c.deadLettered());
            dead.stream().filter(d -> c.newDeadLetters().contains(d.recordId()))
                    .forEach(d -> LOG.warn("job {} dead-lettered: {}", d.recordId(), d.reason()));
            queued += c.queued();
            known += c.alreadyKnown();
            deadLettered += c.deadLettered();
            records.clear();
            dead.clear();
        }
    }

    /** Delivered ids are kept while a window can still return their job: the overlap plus a day's margin. */
    private Duration forgetAfter() {
        return config.sacctOverlap().plus(Duration.ofDays(1));
    }

    private static String json(Record r) {
        try {
            // POST bodies are RecordAdd: everything but the derived runtime (the server computes it)
            var node = RecordJson.MAPPER.valueToTree(r);
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("runtime");
            return RecordJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
