package org.waldur.agent.accounting;

import org.waldur.agent.config.ComponentConfig;

import java.util.Map;
import java.util.TreeMap;

/**
 * Whether Waldur must be told SLURM's limits of an allocation ({@code set_limits}), as the reference does in
 * report and membership_sync: SLURM's GrpTRESMins in Waldur units (configured, non-prepaid components) merged over
 * the resource's limits; nothing when SLURM holds none or Waldur already holds the same. No Camel, no I/O.
 */
public final class LimitsEcho {
    private LimitsEcho() {
    }

    /** The {@code set_limits} body, or null when Waldur already holds what SLURM has. */
    public static Map<String, Object> body(Map<String, ? extends Number> waldurLimits, String grpTresMins,
                                           Map<String, ComponentConfig> components) {
        Map<String, Long> slurm = new TresConverter(components).fromSlurm(grpTresMins);
        Map<String, Long> waldur = new TreeMap<>();
        if (waldurLimits != null) {
            waldurLimits.forEach((k, v) -> waldur.put(k, v.longValue()));
        }
        Map<String, Long> merged = new TreeMap<>(waldur);
        merged.putAll(slurm);
        if (slurm.isEmpty() || merged.equals(waldur)) {
            return null;
        }
        return Map.of("limits", merged);
    }
}
