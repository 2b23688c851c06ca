package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-user usage reconciled like the totals: which components' per-user rows Waldur lacks or holds with another
 * value than SLURM's (equal at 2 decimals). Each cycle posts {@code set_user_usages} for those components only,
 * so a call that failed (or whose read-back failed) after {@code set_usage} succeeded is repaired by the next
 * cycle, even though the totals are unchanged by then. Rows Waldur holds for users SLURM does not list are left
 * alone: set_user_usages adds and replaces, it cannot remove.
 */
public final class UserUsageDiff {
    private static final BigDecimal HALF_CENT = new BigDecimal("0.005");

    private UserUsageDiff() {
    }

    /**
     * @param inWaldur  component type → username → usage Waldur holds for the resource's month
     * @param fromSlurm username → component type → usage measured (Waldur units, 2 decimals)
     * @return the component types to post, sorted
     */
    public static Set<String> differing(Map<String, Map<String, BigDecimal>> inWaldur,
                                        Map<String, Map<String, BigDecimal>> fromSlurm) {
        Set<String> out = new TreeSet<>();
        fromSlurm.forEach((user, values) -> {
            if (user.isEmpty()) {
                return;
            }
            values.forEach((type, value) -> {
                BigDecimal held = inWaldur.getOrDefault(type, Map.of()).get(user);
                // no row counts as zero, like the totals (UsageDecision): a user's zero is not posted
                BigDecimal inWaldurOrZero = held == null ? BigDecimal.ZERO : held;
                if (value != null && inWaldurOrZero.subtract(value).abs().compareTo(HALF_CENT) >= 0) {
                    out.add(type);
                }
            });
        });
        return out;
    }
}
