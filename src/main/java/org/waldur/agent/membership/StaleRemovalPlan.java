package org.waldur.agent.membership;

import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmCommands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stale associations of a membership cycle as a few {@code remove user where name=… account=…} commands
 * instead of one per association. Two facts measured on SLURM 22.05 (examples/slurm-sandbox/FINDINGS.md §2, §2a):
 * <ul>
 *   <li>such a command removes every existing pair of {@code users × accounts} and skips pairs that do not exist,
 *       so a group is safe only when no pair of its cross product is an association that must stay;</li>
 *   <li>a command may remove a user's default association only if it removes no other association of that user;
 *       otherwise the whole command is refused.</li>
 * </ul>
 * So the removals go in rounds: with the users' DefaultAccount known, round 1 holds every non-default pair (plus
 * users with a single stale pair), round 2 the remaining default pairs — at most one per user. Without it (the
 * read failed) round k holds each user's k-th pair. In a round, pairs are grouped by account and groups merged
 * while the cross product stays within the round's pairs or outside SLURM. No Camel, no I/O.
 */
public final class StaleRemovalPlan {
    /** One command: every pair of {@code users × accounts}; {@code stale} are the planned pairs it covers. */
    public record Removal(List<String> users, List<String> accounts, List<MembershipBatch.Stale> stale) {
    }

    private final AssociationSnapshot snapshot;

    public StaleRemovalPlan(AssociationSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The DefaultAccount read is needed only when some user loses more than one association this cycle. */
    public static boolean needsDefaults(List<MembershipBatch.Stale> stale) {
        Set<String> seen = new TreeSet<>();
        for (MembershipBatch.Stale s : stale) {
            if (!seen.add(s.user())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The removal commands, round after round; {@code defaults} maps user → DefaultAccount (null: unknown, and
     * then each round removes at most one association per user).
     */
    public List<List<Removal>> rounds(List<MembershipBatch.Stale> stale, Map<String, String> defaults) {
        Map<String, List<MembershipBatch.Stale>> byUser = new TreeMap<>();
        for (MembershipBatch.Stale s : stale) {
            byUser.computeIfAbsent(s.user(), k -> new ArrayList<>()).add(s);
        }
        List<List<MembershipBatch.Stale>> rounds = new ArrayList<>();
        for (List<MembershipBatch.Stale> pairs : byUser.values()) {
            if (pairs.size() == 1) {
                round(rounds, 0).add(pairs.get(0));
            } else if (defaults != null) {
                String d = defaults.get(pairs.get(0).user());
                for (MembershipBatch.Stale s : pairs) {
                    round(rounds, s.account().equals(d) ? 1 : 0).add(s);
                }
            } else {
                for (int i = 0; i < pairs.size(); i++) {
                    round(rounds, i).add(pairs.get(i));
                }
            }
        }
        List<List<Removal>> out = new ArrayList<>();
        for (List<MembershipBatch.Stale> round : rounds) {
            if (!round.isEmpty()) {
                out.add(pack(round));
            }
        }
        return out;
    }

    private static List<MembershipBatch.Stale> round(List<List<MembershipBatch.Stale>> rounds, int i) {
        while (rounds.size() <= i) {
            rounds.add(new ArrayList<>());
        }
        return rounds.get(i);
    }

    /** Groups by account, then merges groups greedily while every pair of the cross product may go. */
    private List<Removal> pack(List<MembershipBatch.Stale> round) {
        Set<String> inRound = new LinkedHashSet<>();
        Map<String, Group> byAccount = new LinkedHashMap<>();
        for (MembershipBatch.Stale s : round) {
            inRound.add(s.user() + "|" + s.account());
            Group g = byAccount.computeIfAbsent(s.account(), a -> new Group());
            g.accounts.add(s.account());
            g.users.add(s.user());
            g.stale.add(s);
        }
        List<Group> merged = new ArrayList<>();
        for (Group g : byAccount.values()) {
            Group into = null;
            for (Group m : merged) {
                if (fits(m, g, inRound)) {
                    into = m;
                    break;
                }
            }
            if (into == null) {
                merged.add(g);
            } else {
                into.users.addAll(g.users);
                into.accounts.addAll(g.accounts);
                into.stale.addAll(g.stale);
            }
        }
        return merged.stream().map(g -> new Removal(List.copyOf(g.users), List.copyOf(g.accounts), List.copyOf(g.stale))).toList();
    }

    /** Merging {@code g} into {@code m} removes nothing that must stay, and both lists still fit one argument. */
    private boolean fits(Group m, Group g, Set<String> inRound) {
        if (chars(m.users) + chars(g.users) > SlurmCommands.MAX_ACCOUNT_LIST_CHARS
                || chars(m.accounts) + chars(g.accounts) > SlurmCommands.MAX_ACCOUNT_LIST_CHARS) {
            return false;
        }
        return crossMayGo(m.users, g.accounts, inRound) && crossMayGo(g.users, m.accounts, inRound);
    }

    private boolean crossMayGo(Set<String> users, Set<String> accounts, Set<String> inRound) {
        for (String a : accounts) {
            AssociationSnapshot.Account acc = snapshot.get(a);
            for (String u : users) {
                if (!inRound.contains(u + "|" + a) && (acc == null || acc.users().contains(u))) {
                    return false; // an association that stays (or one the snapshot cannot vouch for)
                }
            }
        }
        return true;
    }

    private static int chars(Set<String> names) {
        return names.stream().mapToInt(n -> n.length() + 1).sum();
    }

    private static final class Group {
        final Set<String> users = new TreeSet<>();
        final Set<String> accounts = new TreeSet<>();
        final List<MembershipBatch.Stale> stale = new ArrayList<>();
    }
}
