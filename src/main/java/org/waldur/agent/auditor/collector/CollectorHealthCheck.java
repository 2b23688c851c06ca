package org.waldur.agent.auditor.collector;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN while the poll fails (sacct, or storing its result), with the reason; the outbox size as a detail (served at
 *  /observe/health). */
public final class CollectorHealthCheck extends AbstractHealthCheck {
    private final CollectorStatus status;
    private final Outbox outbox;

    public CollectorHealthCheck(CollectorStatus status, Outbox outbox) {
        super("auditor", "auditor-slurm-collector");
        this.status = status;
        this.outbox = outbox;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("outbox.pending", outbox.pending());
        builder.detail("dead.letters", outbox.deadLetters());
        String error = status.sacctError();
        if (error != null) {
            builder.message(error.startsWith("the poll") ? error : "sacct fails: " + error).down();
        } else {
            builder.up();
        }
    }
}
