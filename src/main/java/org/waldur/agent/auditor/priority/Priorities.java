package org.waldur.agent.auditor.priority;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provided resources → priorities, with AUDITOR's formulas and rounding (auditor.md §4.3): FullSpread maps the
 * lowest group to min_priority and the highest to max_priority; ScaledBySum gives each group its share of the sum
 * over the range. Results are rounded half away from zero on the exact double (Rust's {@code f64::round}), then
 * saturated to a long as Rust's {@code as i64} does.
 *
 * <p><b>Degenerate cases — our documented policy, not AUDITOR's.</b> Where the formula has no answer (FullSpread
 * with every group equal, a single group included; ScaledBySum with every group at 0) AUDITOR divides 0 by 0 and
 * sets priority 0, below min_priority. Here every group gets {@code min_priority} instead and the result says
 * so ({@link Result#degenerate()}), so the plugin can log it: no group has earned more than another.
 */
public final class Priorities {

    public record Result(Map<String, Long> priorities, boolean degenerate) {
    }

    private Priorities() {
    }

    public static Result compute(Map<String, Double> resources, PriorityMode mode, long minPriority, long maxPriority) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double v : resources.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        double range = (double) maxPriority - (double) minPriority;
        Map<String, Long> out = new LinkedHashMap<>();
        boolean degenerate = false;
        for (Map.Entry<String, Double> e : resources.entrySet()) {
            double v = e.getValue();
            double p = mode == PriorityMode.FULL_SPREAD
                    ? (v - min) / (max - min) * range + minPriority
                    : range / sum * v + minPriority;
            if (Double.isNaN(p)) {
                degenerate = true;
                out.put(e.getKey(), minPriority);
            } else {
                out.put(e.getKey(), roundHalfAwayFromZero(p));
            }
        }
        return new Result(java.util.Collections.unmodifiableMap(out), degenerate);
    }

    /** Rust's {@code x.round() as i64}: half away from zero on the exact binary value, saturating, NaN → 0. */
    static long roundHalfAwayFromZero(double x) {
        if (Double.isNaN(x)) {
            return 0;
        }
        if (x >= 0x1p63) {
            return Long.MAX_VALUE;
        }
        if (x <= -0x1p63) {
            return Long.MIN_VALUE;
        }
        return new BigDecimal(x).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
