package org.waldur.agent.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration: root keys of {@code waldur-site-agent-config.yaml} (or the 0.2.x environment)
 * and the poll period of each mode in minutes.
 */
public record AgentConfig(
        String source,
        List<OfferingConfig> offerings,
        ZoneId timezone,
        int reportingPeriods,
        String logLevel,
        boolean exposeBackendErrorDetails,
        Map<Mode, Double> periodMinutes,
        List<String> warnings) {

    public List<OfferingConfig> offeringsFor(Mode mode) {
        return offerings.stream().filter(o -> o.handles(mode)).toList();
    }

    /** The offerings {@code mode} serves in a process that runs (or not) event_process. */
    public List<OfferingConfig> offeringsFor(Mode mode, boolean eventProcessRunning) {
        return offerings.stream().filter(o -> o.handles(mode, eventProcessRunning)).toList();
    }
}
