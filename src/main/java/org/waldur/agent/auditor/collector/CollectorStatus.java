package org.waldur.agent.auditor.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the collector has done, for its health check and its metrics: whether the last sacct poll worked (a
 * failing sacct is an outage to alarm on, not a log line: AUDITOR PR #1348), and the Micrometer meters
 * {@code auditor_collector_*}. The outbox and dead-letter sizes are gauges read from the database.
 */
public final class CollectorStatus {
    private final AtomicReference<String> sacctError = new AtomicReference<>();
    private final AtomicReference<Instant> lastPoll = new AtomicReference<>();
    private volatile boolean polled;
    private final Counter sacctFailures;
    private final Counter collected;
    private final Counter delivered;
    private final Counter deadLettered;
    private final Counter sendFailures;

    public CollectorStatus(MeterRegistry registry, Outbox outbox) {
        MeterRegistry r = registry == null ? new SimpleMeterRegistry() : registry;
        sacctFailures = r.counter("auditor.collector.sacct.failures");
        collected = r.counter("auditor.collector.records.collected");
        delivered = r.counter("auditor.collector.records.delivered");
        deadLettered = r.counter("auditor.collector.dead.letters");
        sendFailures = r.counter("auditor.collector.send.failures");
        Gauge.builder("auditor.collector.outbox.pending", outbox, Outbox::pending).register(r);
        Gauge.builder("auditor.collector.dead.letter.records", outbox, Outbox::deadLetters).register(r);
    }

    public void sacctFailed(String message) {
        sacctError.set(message);
        polled = true;
        sacctFailures.increment();
    }

    /** A poll read its whole window and committed it with the new watermark. */
    public void pollSucceeded() {
        sacctError.set(null);
        lastPoll.set(Instant.now());
        polled = true;
    }

    /** One committed chunk of a poll: records newly queued and jobs newly dead-lettered. */
    public void collected(int queued, int dead) {
        collected.increment(queued);
        deadLettered.increment(dead);
    }

    public void delivered(int n) {
        delivered.increment(n);
    }

    public void deadLettered(int n) {
        deadLettered.increment(n);
    }

    public void sendFailed() {
        sendFailures.increment();
    }

    /** Null while sacct works (or before the first poll); else the failing sacct's message. */
    public String sacctError() {
        return sacctError.get();
    }

    public boolean polled() {
        return polled;
    }

    public Instant lastSuccessfulPoll() {
        return lastPoll.get();
    }
}
