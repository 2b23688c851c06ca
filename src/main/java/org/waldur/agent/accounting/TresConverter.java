package org.waldur.agent.accounting;

import org.waldur.agent.config.ComponentConfig;
import org.waldur.agent.slurm.TresString;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts limits between Waldur units and SLURM TRES-minutes (site-agent-behaviour.md §7):
 * SLURM value = Waldur value × {@code unit_factor}. One rounding policy: HALF_UP to whole SLURM units on the
 * way in, HALF_UP to whole Waldur units on the way back (the reference truncated with int()); usage is reported
 * with 2 decimals, HALF_UP.
 */
public final class TresConverter {
    private final Map<String, ComponentConfig> components;

    public TresConverter(Map<String, ComponentConfig> components) {
        this.components = components;
    }

    /**
     * The Waldur-side limits of a new allocation: the resource's own limits for configured components, plus the
     * configured {@code limit} of usage components the resource does not set (§7.1, §5.2 step 5).
     */
    public Map<String, Long> waldurLimitsForCreate(Map<String, ? extends Number> resourceLimits) {
        Map<String, Long> out = new TreeMap<>();
        components.values().forEach(c -> {
            if (c.isUsage() && c.limit() != null) {
                out.put(c.type(), c.limit());
            }
        });
        if (resourceLimits != null) {
            resourceLimits.forEach((type, value) -> {
                if (components.containsKey(type) && value != null) {
                    out.put(type, exact(type, new BigDecimal(value.toString()).setScale(0, RoundingMode.HALF_UP)));
                }
            });
        }
        return out;
    }

    /** Waldur units → SLURM TRES-minutes for every configured component given; keys sorted. */
    public Map<String, Long> toSlurm(Map<String, ? extends Number> waldurLimits) {
        return toSlurm(waldurLimits, null);
    }

    /**
     * As {@link #toSlurm(Map)}, with prepaid ({@code one}) components' monthly limits multiplied by the term in
     * months ({@link PrepaidTerm}): GrpTRESMins = limit × months × unit_factor. A null term leaves them at one
     * month, as the reference does when created or end_date is missing.
     */
    public Map<String, Long> toSlurm(Map<String, ? extends Number> waldurLimits, Integer prepaidMonths) {
        Map<String, Long> out = new TreeMap<>();
        waldurLimits.forEach((type, value) -> {
            ComponentConfig c = components.get(type);
            if (c != null && value != null) {
                BigDecimal v = new BigDecimal(value.toString()).multiply(c.unitFactor());
                if (c.isPrepaid() && prepaidMonths != null) {
                    v = v.multiply(BigDecimal.valueOf(prepaidMonths));
                }
                out.put(type, exact(type, v.setScale(0, RoundingMode.HALF_UP)));
            }
        });
        return out;
    }

    /** Whether any configured component is prepaid ({@code accounting_type: one}). */
    public boolean hasPrepaid() {
        return components.values().stream().anyMatch(ComponentConfig::isPrepaid);
    }

    /**
     * A GrpTRESMins string read from SLURM → Waldur units, configured components only. Prepaid components are
     * left out: SLURM holds the whole term's budget, Waldur the monthly limit, so they are never "different".
     */
    public Map<String, Long> fromSlurm(String grpTresMins) {
        Map<String, Long> out = new TreeMap<>();
        TresString.parse(grpTresMins).forEach((type, raw) -> {
            ComponentConfig c = components.get(type);
            if (c != null && !c.isPrepaid()) {
                BigDecimal slurm = BigDecimal.valueOf(TresString.amount(type, raw));
                out.put(type, slurm.divide(c.unitFactor(), 0, RoundingMode.HALF_UP).longValueExact());
            }
        });
        return out;
    }

    /**
     * Usage in SLURM TRES-minutes (an {@link AccountUsage} map) → Waldur units for {@code set_usage}: ÷ the
     * reporting factor ({@code unit_factor_reporting}, else {@code unit_factor}), 2 decimals, HALF_UP, once, on
     * the exact sum (the reference floors mem per row and applies round() to binary floats). Configured components
     * only; {@code toPlainString()} of a value is the {@code "%.2f"} string Waldur expects.
     */
    public Map<String, BigDecimal> usageToWaldur(Map<String, BigDecimal> slurmMinutes) {
        Map<String, BigDecimal> out = new TreeMap<>();
        slurmMinutes.forEach((type, minutes) -> {
            ComponentConfig c = components.get(type);
            if (c != null && minutes != null) {
                out.put(type, minutes.divide(c.reportingFactor(), 2, RoundingMode.HALF_UP));
            }
        });
        return out;
    }

    /** A whole amount that fits SLURM's 64-bit counts, or an error naming the component (never a bare "Overflow"). */
    private static long exact(String type, BigDecimal amount) {
        try {
            return amount.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("limit of component '" + type + "' is too large for SLURM: " + amount.toPlainString());
        }
    }

    public Map<String, ComponentConfig> components() {
        return components;
    }
}
