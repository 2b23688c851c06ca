package org.waldur.agent.membership;

import org.waldur.agent.config.ComponentConfig;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.TresString;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waldur's per-user component limits ({@code component-user-usage-limits}) as SLURM {@code MaxTRESMins} on the
 * user's association with the allocation — the reference's choice (its {@code set_resource_user_limits}), with
 * the amount × {@code unit_factor} as for GrpTRESMins. A limit names its user by URL; the URL is matched to an
 * offering user (an offering-user URL by its uuid, a user URL by the offering user's {@code user_uuid}), never
 * to a username (the reference compares the URL with usernames, so it never finds one). Only associations that
 * exist after the cycle's adds are touched; a value is written only when it differs from SLURM's, and a limit
 * removed in Waldur clears SLURM's ({@code -1}). No Camel, no I/O.
 */
public final class UserLimitsPlan {
    private static final Pattern ENTITY = Pattern.compile("/(marketplace-offering-users|users|marketplace-resources|resources)/([0-9a-fA-F-]{32,36})/?$");

    /** One Waldur limit: resource and user URLs, the component, the amount in Waldur units. */
    public record Limit(String resourceUrl, String userUrl, String componentType, BigDecimal limit) {
    }

    /** An offering user: its own uuid, its Waldur user's uuid, its username on the offering (the SLURM user). */
    public record OfferingUser(String uuid, String userUuid, String username) {
    }

    private final AssociationSnapshot snapshot;
    private final Map<String, ComponentConfig> components;
    private final Consumer<String> log;

    public UserLimitsPlan(AssociationSnapshot snapshot, Map<String, ComponentConfig> components, Consumer<String> log) {
        this.snapshot = snapshot;
        this.components = components;
        this.log = log;
    }

    /** The MaxTRESMins to write, per resource and user (empty when SLURM already holds Waldur's values). */
    public Map<MembershipWork, Map<String, Map<String, Long>>> plan(List<MembershipWork> works, List<Limit> limits, List<OfferingUser> users) {
        Map<String, String> byOfferingUser = new TreeMap<>();
        Map<String, String> byUser = new TreeMap<>();
        for (OfferingUser u : users) {
            if (u.username() != null && !u.username().isBlank()) {
                byOfferingUser.put(uuid(u.uuid()), u.username().toLowerCase(Locale.ROOT));
                if (u.userUuid() != null) {
                    byUser.put(uuid(u.userUuid()), u.username().toLowerCase(Locale.ROOT));
                }
            }
        }
        // resource uuid → username → SLURM TRES → amount
        Map<String, Map<String, Map<String, Long>>> wanted = new TreeMap<>();
        for (Limit l : limits) {
            String[] user = entity(l.userUrl());
            String username = user == null ? null
                    : user[0].equals("marketplace-offering-users") ? byOfferingUser.get(user[1])
                    : user[0].equals("users") ? byUser.get(user[1]) : null;
            String[] resource = entity(l.resourceUrl());
            ComponentConfig c = components.get(l.componentType());
            if (username == null || resource == null) {
                log.accept("per-user limit " + l.componentType() + " for " + l.userUrl() + ": no offering user with that URL; ignored");
            } else if (c == null) {
                log.accept("per-user limit of " + username + ": component " + l.componentType() + " is not in backend_components; ignored");
            } else if (l.limit() != null) {
                wanted.computeIfAbsent(resource[1], k -> new TreeMap<>()).computeIfAbsent(username, k -> new TreeMap<>())
                        .put(c.type(), l.limit().multiply(c.unitFactor()).setScale(0, RoundingMode.HALF_UP).longValueExact());
            }
        }
        Map<MembershipWork, Map<String, Map<String, Long>>> out = new LinkedHashMap<>();
        for (MembershipWork w : works) {
            AssociationSnapshot.Account a = snapshot.get(w.account);
            Map<String, Map<String, Long>> forResource = wanted.getOrDefault(uuid(w.resource.uuid()), Map.of());
            Set<String> members = new LinkedHashSet<>(w.existing);
            members.addAll(w.added);
            Map<String, Map<String, Long>> changes = new TreeMap<>();
            for (String u : members) {
                Map<String, Long> target = forResource.getOrDefault(u, Map.of());
                Map<String, Long> current = current(a == null ? null : a.userMaxTresMins.get(u));
                if (!target.equals(current)) {
                    Map<String, Long> write = new TreeMap<>(target);
                    current.keySet().stream().filter(t -> !target.containsKey(t)).forEach(t -> write.put(t, -1L));
                    changes.put(u, write);
                }
            }
            if (!changes.isEmpty()) {
                out.put(w, changes);
            }
        }
        return out;
    }

    /** One resource's changes as load lines. */
    public static LoadFile load(MembershipWork w, Map<String, Map<String, Long>> changes) {
        LoadFile f = new LoadFile();
        changes.forEach((user, tres) -> f.userLimits(user, w.account, tres));
        return f;
    }

    /** SLURM's MaxTRESMins ({@code cpu=100,mem=30M}) as amounts in SLURM's base units. */
    static Map<String, Long> current(String maxTresMins) {
        Map<String, Long> out = new TreeMap<>();
        TresString.parse(maxTresMins).forEach((t, v) -> out.put(t, Math.round(TresString.amount(t, v))));
        return out;
    }

    /** {kind, uuid without dashes} of a Waldur entity URL, or null. */
    static String[] entity(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = ENTITY.matcher(url.split("\\?")[0]);
        return m.find() ? new String[]{m.group(1), uuid(m.group(2))} : null;
    }

    private static String uuid(String s) {
        return s == null ? "" : s.replace("-", "").toLowerCase(Locale.ROOT);
    }
}
