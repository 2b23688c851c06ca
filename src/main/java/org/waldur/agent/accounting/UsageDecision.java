package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a month's fresh totals go to Waldur (site-agent-behaviour.md §8 step 3). Amounts are cumulative month
 * totals recomputed from SLURM each cycle, so:
 * <ul>
 *   <li>UNCHANGED — Waldur already holds exactly these values (equal at 2 decimals; a component Waldur has no
 *       record of counts as zero, so a month without jobs is never posted): nothing is sent;</li>
 *   <li>ANOMALY — a value would go down, or Waldur holds several records for one component: SLURM usage cannot
 *       shrink, so something else wrote there; nothing is sent and both numbers are logged;</li>
 *   <li>SUBMIT — otherwise.</li>
 * </ul>
 */
public record UsageDecision(Kind kind, String reason) {
    public enum Kind { SUBMIT, UNCHANGED, ANOMALY }

    /** A usage record Waldur already has for the month. */
    public record Existing(String uuid, String type, BigDecimal usage) {
    }

    private static final BigDecimal HALF_CENT = new BigDecimal("0.005");

    private static BigDecimal held(Existing e) {
        return e == null ? BigDecimal.ZERO : e.usage();
    }

    public static UsageDecision decide(List<Existing> existing, Map<String, BigDecimal> fresh) {
        Map<String, Existing> byType = new LinkedHashMap<>();
        for (Existing e : existing) {
            if (byType.put(e.type(), e) != null) {
                return new UsageDecision(Kind.ANOMALY, "Waldur holds more than one usage record for " + e.type());
            }
        }
        for (Map.Entry<String, BigDecimal> f : fresh.entrySet()) {
            Existing e = byType.get(f.getKey());
            if (e != null && f.getValue().compareTo(e.usage().subtract(HALF_CENT)) < 0) {
                return new UsageDecision(Kind.ANOMALY, f.getKey() + " would go down from " + e.usage().toPlainString()
                        + " (in Waldur) to " + f.getValue().toPlainString() + " (from SLURM)");
            }
        }
        // a component Waldur has no record of holds nothing, which equals a zero: a month without jobs is not posted
        boolean same = fresh.keySet().containsAll(byType.keySet()) && fresh.entrySet().stream()
                .allMatch(f -> f.getValue().subtract(held(byType.get(f.getKey()))).abs().compareTo(HALF_CENT) < 0);
        return same ? new UsageDecision(Kind.UNCHANGED, "already in Waldur") : new UsageDecision(Kind.SUBMIT, "");
    }
}
