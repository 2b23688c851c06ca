package org.waldur.agent.auditor.priority;

/** AUDITOR's {@code computation_mode} (auditor.md §4.3). */
public enum PriorityMode {
    /** Lowest group gets min_priority, highest max_priority, the rest linearly between. */
    FULL_SPREAD,
    /** Each group's share of the summed resources, scaled onto the priority range (AUDITOR's default). */
    SCALED_BY_SUM;

    public static PriorityMode parse(String s) {
        return switch (s.trim()) {
            case "FullSpread" -> FULL_SPREAD;
            case "ScaledBySum" -> SCALED_BY_SUM;
            default -> throw new IllegalArgumentException("'" + s + "' is not a computation mode (FullSpread, ScaledBySum)");
        };
    }
}
