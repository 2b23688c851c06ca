package org.waldur.agent.membership;

import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.SlurmSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which users need {@code mkhomedir_helper} (site-agent-behaviour.md §10), remembering in-process every home
 * that was made or found, so a home is never re-created each cycle (upstream gh-15).
 * <ul>
 *   <li>a user the agent added — by membership sync or by a Create ({@link #owe}) — unless
 *       {@code <homedir_base_path>/<user>} is already a directory; owed until {@code mkhomedir_helper} succeeds,
 *       so a failure is retried next cycle (in this process; with a base path, also after a restart);</li>
 *   <li>a user already in the account: only when a base path is configured and the directory is missing there
 *       (without a base path the agent cannot tell, and does not run a process per member per cycle to find out).</li>
 * </ul>
 * The directory check runs on the agent's host: with a {@code command_prefix} that reaches another host, point
 * {@code homedir_base_path} at a mount of the same file system, or leave it unset.
 */
public final class HomeDirs {
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Users the agent added whose home is not made yet, by offering. */
    private final Set<String> owed = ConcurrentHashMap.newKeySet();
    private final Predicate<Path> isDirectory;

    public HomeDirs() {
        this(Files::isDirectory);
    }

    public HomeDirs(Predicate<Path> isDirectory) {
        this.isDirectory = isDirectory;
    }

    /** Users the agent just added to SLURM (a Create's team): their homes are made by the next home step. */
    public void owe(OfferingConfig offering, Collection<String> users) {
        users.forEach(u -> owed.add(key(offering, u)));
    }

    public List<String> needed(OfferingConfig offering, Collection<String> added, Collection<String> existing) {
        SlurmSettings s = offering.slurm();
        String base = s.homedirBasePath() == null || s.homedirBasePath().isBlank() ? null : s.homedirBasePath();
        owe(offering, added);
        List<String> out = new ArrayList<>();
        for (String user : added) {
            if (!seen(offering, user, base)) {
                out.add(user);
            }
        }
        String prefix = offering.uuid() + "/";
        for (String k : new java.util.TreeSet<>(owed)) {
            if (!k.startsWith(prefix) || out.contains(k.substring(prefix.length()))) {
                continue;
            }
            String user = k.substring(prefix.length());
            if (seen(offering, user, base)) {
                owed.remove(k);
            } else {
                out.add(user);
            }
        }
        if (base != null) {
            for (String user : existing) {
                if (!out.contains(user) && !seen(offering, user, base)) {
                    out.add(user);
                }
            }
        }
        return out;
    }

    /** {@code mkhomedir_helper} succeeded for {@code user}. */
    public void created(OfferingConfig offering, String user) {
        known.add(key(offering, user));
        owed.remove(key(offering, user));
    }

    private boolean seen(OfferingConfig offering, String user, String base) {
        if (known.contains(key(offering, user))) {
            return true;
        }
        if (base != null && isDirectory.test(Path.of(base, user))) {
            known.add(key(offering, user));
            return true;
        }
        return false;
    }

    private static String key(OfferingConfig offering, String user) {
        return offering.uuid() + "/" + user;
    }
}
