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
import org.waldur.agent.slurm.SlurmResult;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One sacct poll (routes/auditor-slurm-collector.camel.yaml, {@code auditor-collector-poll}): the window from the
 * stored watermark less the overlap up to now; then every job becomes a record or a dead letter, and all of them
 * and the new watermark are committed together ({@link Outbox#commitPoll}).
 *
 * <p>The watermark is the END OF THE WINDOW QUERIED, not the latest job end (AUDITOR's choice, which misses jobs
 * slurmdbd writes late, auditor.md §3.6); the overlap ({@code sacct_overlap}, 600 s) gives late writes time to land
 * and the outbox drops what it has seen before. Without a watermark the window starts at
 * {@code earliest_datetime} (default: start-up, as AUDITOR).
 */
public final class CollectorPoll {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorPoll.class);
    private final CollectorConfig config;
    private final Outbox outbox;
    private final RecordBuilder builder;
    private final CollectorStatus status;
    private final Supplier<Instant> clock;
    private final List<String> keys;

    public CollectorPoll(CollectorConfig config, Outbox outbox, CollectorStatus status, Supplier<Instant> clock) {
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
        return SlurmCommands.auditorJobs(keys, from, to, config.jobFilterFlags());
    }

    public Result ingest(SlurmResult sacct, @ExchangeProperty("auditorWindowEnd") Instant windowEnd) {
        if (!sacct.succeeded()) {
            status.sacctFailed(sacct.message());
            throw new SacctFailedException("sacct failed: " + sacct.message());
        }
        try {
            return collect(sacct, windowEnd);
        } catch (RuntimeException e) {
            // the outbox cannot be written (disk full, file gone): as much an outage as a failing sacct
            status.sacctFailed("the poll could not be stored: " + e.getMessage());
            throw e;
        }
    }

    private Result collect(SlurmResult sacct, Instant windowEnd) {
        SacctJobs.Parsed parsed = SacctJobs.parse(sacct.stdout(), keys, config.allowEmptyKeys());
        List<Outbox.Queued> records = new ArrayList<>();
        List<Outbox.DeadLetter> dead = new ArrayList<>();
        int running = 0;
        for (SacctJobs.Job job : parsed.jobs()) {
            if (RecordBuilder.stillRunning(job)) {
                running++;
                continue;
            }
            try {
                Record r = builder.build(job);
                records.add(new Outbox.Queued(r.recordId(), json(r), r.stopTime().getEpochSecond()));
            } catch (RecordBuilder.Unbuildable e) {
                dead.add(new Outbox.DeadLetter(builder.recordId(job.jobId()), "unbuildable", e.getMessage(),
                        job.values().toString()));
            }
        }
        for (SacctJobs.Unparsable u : parsed.unparsable()) {
            String id = u.jobId() != null && !u.jobId().isEmpty() ? builder.recordId(u.jobId()) : "line:" + u.line().hashCode();
            dead.add(new Outbox.DeadLetter(id, "unparsable", u.reason(), u.line()));
        }
        Outbox.PollCommit c = outbox.commitPoll(records, dead, windowEnd, forgetAfter());
        status.pollSucceeded(c.queued(), c.deadLettered());
        dead.stream().filter(d -> c.newDeadLetters().contains(d.recordId()))
                .forEach(d -> LOG.warn("job {} dead-lettered: {}", d.recordId(), d.reason()));
        Result r = new Result(parsed.jobs().size(), c.queued(), c.alreadyKnown(), c.deadLettered(), running,
                parsed.skippedUnstarted());
        LOG.debug("poll up to {}: {}", windowEnd, r);
        return r;
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
