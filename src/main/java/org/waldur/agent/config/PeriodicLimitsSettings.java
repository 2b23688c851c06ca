package org.waldur.agent.config;

/**
 * {@code backend_settings.periodic_limits} of an offering: whether the agent applies Waldur's SLURM periodic usage
 * policy (fairshare, GrpTRESMins or MaxTRESMins, RawUsage reset) that Waldur pushes as RESOURCE_PERIODIC_LIMITS
 * events, and the limit type used when a message names none (the reference's fallback). The policy's own
 * parameters live in Waldur and arrive in each message; nothing else is configured here. The reference's
 * {@code emulator_mode}/{@code emulator_base_url} (an HTTP SLURM emulator) are not supported: refused at start-up.
 *
 * @param enabled   subscribe to RESOURCE_PERIODIC_LIMITS and apply its messages
 * @param limitType {@code GrpTRESMins} (default) or {@code MaxTRESMins}
 */
public record PeriodicLimitsSettings(boolean enabled, String limitType) {
    public static final PeriodicLimitsSettings OFF = new PeriodicLimitsSettings(false, "GrpTRESMins");
    /** The SLURM association fields a periodic policy may set (TRES-minutes budgets). */
    public static final java.util.Set<String> LIMIT_TYPES = java.util.Set.of("GrpTRESMins", "MaxTRESMins");

    static PeriodicLimitsSettings parse(Node n) {
        boolean enabled = n.bool("enabled", false);
        String type = n.string("limit_type", "GrpTRESMins");
        if (!LIMIT_TYPES.contains(type)) {
            throw n.error("limit_type", "must be GrpTRESMins or MaxTRESMins, not '" + type + "'");
        }
        if (n.bool("emulator_mode", false)) {
            throw n.error("emulator_mode", "is not supported: this agent applies periodic settings to SLURM itself");
        }
        n.has("emulator_base_url"); // accepted for compatibility, unused without emulator_mode
        return new PeriodicLimitsSettings(enabled, type);
    }
}
