package org.waldur.agent.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration: root keys of {@code waldur-site-agent-config.yaml} (or the 0.2.x environment)
 * and the poll period of each mode in minutes. {@code waldurTimezone}: Waldur's own TIME_ZONE when the operator
 * states it ({@code waldur_timezone}), else null. {@code waldurMaxConcurrentRequests}: how many items of a cycle do
 * their Waldur work at once ({@code waldur_max_concurrent_requests}, 1 = one after the other).
 */
public record AgentConfig(
        String source,
        List<OfferingConfig> offerings,
        ZoneId timezone,
        int reportingPeriods,
        String logLevel,
        boolean exposeBackendErrorDetails,
        Map<Mode, Double> periodMinutes,
        List<String> warnings,
        String sentryDsn,
        ZoneId waldurTimezone,
        int waldurMaxConcurrentRequests) {

    /** {@code waldur_max_concurrent_requests}, this agent's extension: items whose Waldur work runs at once. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 8;

    /** With the default Waldur concurrency. */
    public AgentConfig(String source, List<OfferingConfig> offerings, ZoneId timezone, int reportingPeriods,
                       String logLevel, boolean exposeBackendErrorDetails, Map<Mode, Double> periodMinutes,
                       List<String> warnings, String sentryDsn, ZoneId waldurTimezone) {
        this(source, offerings, timezone, reportingPeriods, logLevel, exposeBackendErrorDetails, periodMinutes,
                warnings, sentryDsn, waldurTimezone, DEFAULT_MAX_CONCURRENT_REQUESTS);
    }

    /** Without a Sentry DSN (the 0.2.x environment reads SENTRY_DSN itself). */
    public AgentConfig(String source, List<OfferingConfig> offerings, ZoneId timezone, int reportingPeriods,
                       String logLevel, boolean exposeBackendErrorDetails, Map<Mode, Double> periodMinutes,
                       List<String> warnings) {
        this(source, offerings, timezone, reportingPeriods, logLevel, exposeBackendErrorDetails, periodMinutes,
                warnings, "", null);
    }

    /** Every credential of every offering, for scrubbing what leaves the process (Sentry). */
    public List<String> secrets() {
        return offerings.stream().flatMap(o -> o.secrets().stream()).toList();
    }

    public List<OfferingConfig> offeringsFor(Mode mode) {
        return offerings.stream().filter(o -> o.handles(mode)).toList();
    }

    /** The offerings {@code mode} serves in a process that runs (or not) event_process. */
    public List<OfferingConfig> offeringsFor(Mode mode, boolean eventProcessRunning) {
        return offerings.stream().filter(o -> o.handles(mode, eventProcessRunning)).toList();
    }
}
