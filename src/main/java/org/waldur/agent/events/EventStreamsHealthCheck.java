package org.waldur.agent.events;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * /observe/health: DOWN while any event stream is disconnected (the hub reconnects it; polling does not cover
 * for it meanwhile, the catch-up pass after reconnecting does), UP when all are connected or none is open.
 */
final class EventStreamsHealthCheck extends AbstractHealthCheck {
    private final EventHub hub;

    EventStreamsHealthCheck(EventHub hub) {
        super("waldur-agent", "event-streams");
        this.hub = hub;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int open = hub.openStreams();
        int connected = hub.connectedStreams();
        builder.detail("streams.open", open).detail("streams.connected", connected);
        if (connected < open) {
            builder.message(connected + " of " + open + " event streams connected").down();
        } else {
            builder.up();
        }
    }
}
