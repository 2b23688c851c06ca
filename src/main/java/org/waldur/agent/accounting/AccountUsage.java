package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage of one SLURM account over one sacct window, in SLURM units (cpu-minutes, MB-minutes for mem, GPU-minutes
 * for gres/gpu: TRES-minutes), exact and not yet rounded; {@link TresConverter#usageToWaldur} rounds.
 *
 * @param total  every configured component (0 when unused), summed over all rows including account-level rows
 *               that carry no user
 * @param byUser per SLURM user (sorted), every configured component; rows without a user are not listed here
 */
public record AccountUsage(String account, Map<String, BigDecimal> total,
                           Map<String, Map<String, BigDecimal>> byUser) {

    public AccountUsage {
        total = immutable(total);
        Map<String, Map<String, BigDecimal>> users = new TreeMap<>();
        byUser.forEach((user, usage) -> users.put(user, immutable(usage)));
        byUser = Collections.unmodifiableMap(users);
    }

    /** The aggregator's compact maps are immutable already: copying them would multiply a large report's size. */
    private static Map<String, BigDecimal> immutable(Map<String, BigDecimal> usage) {
        return usage instanceof ExactMinutes ? usage : Collections.unmodifiableMap(new LinkedHashMap<>(usage));
    }

    /** An account that had no rows in the window: every component 0, no users. */
    public static AccountUsage zero(String account, Collection<String> componentTypes) {
        Map<String, BigDecimal> zeros = new LinkedHashMap<>();
        componentTypes.forEach(type -> zeros.put(type, BigDecimal.ZERO));
        return new AccountUsage(account, zeros, Map.of());
    }

    AccountUsage named(String name) {
        return name.equals(account) ? this : new AccountUsage(name, total, byUser);
    }
}
