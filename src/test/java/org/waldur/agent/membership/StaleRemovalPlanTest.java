package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The removal rounds against the two rules measured on SLURM (FINDINGS §2, §2a), checked by replaying each command
 * on the snapshot: a command removes every existing pair of its cross product, and is refused when it removes a
 * user's default association together with another of theirs.
 */
class StaleRemovalPlanTest {

    private static MembershipWork work(String account) {
        return new MembershipWork(MembershipPlannerTest.resource(account, false, false, false), account, false);
    }

    private static List<MembershipBatch.Stale> stale(Map<String, MembershipWork> works, String... pairs) {
        List<MembershipBatch.Stale> out = new ArrayList<>();
        for (String p : pairs) {
            String[] f = p.split("@");
            out.add(new MembershipBatch.Stale(works.computeIfAbsent(f[1], StaleRemovalPlanTest::work), f[0], f[1]));
        }
        return out;
    }

    /** Replays the commands as SLURM would; returns the associations left, failing on a refused command. */
    private static Set<String> replay(Set<String> associations, Map<String, String> defaults, List<List<StaleRemovalPlan.Removal>> rounds) {
        Set<String> left = new TreeSet<>(associations);
        for (List<StaleRemovalPlan.Removal> round : rounds) {
            for (StaleRemovalPlan.Removal rm : round) {
                List<String> gone = new ArrayList<>();
                for (String u : rm.users()) {
                    for (String a : rm.accounts()) {
                        if (left.contains(u + "@" + a)) {
                            gone.add(u + "@" + a);
                        }
                    }
                }
                for (String u : rm.users()) {
                    long mine = gone.stream().filter(g -> g.startsWith(u + "@")).count();
                    assertFalse(mine > 1 && gone.contains(u + "@" + defaults.get(u)),
                            "SLURM refuses " + rm + ": it removes " + u + "'s default with another association");
                }
                left.removeAll(gone);
            }
        }
        return left;
    }

    private static AssociationSnapshot snapshot(Set<String> associations) {
        StringBuilder s = new StringBuilder();
        for (String p : associations) {
            String[] f = p.split("@");
            s.append("sandbox|").append(f[1]).append("|root|||normal\n");
            s.append("sandbox|").append(f[1]).append("||").append(f[0]).append("||normal\n");
        }
        return AssociationSnapshot.parse(s.toString(), "");
    }

    @Test
    void twentyStaleMembersOfTwentyAccountsGoInOneCommand() {
        Set<String> assoc = new TreeSet<>();
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assoc.add("keep" + i + "@a" + i);
            assoc.add("gone" + i + "@a" + i);
            pairs.add("gone" + i + "@a" + i);
        }
        List<MembershipBatch.Stale> stale = stale(new HashMap<>(), pairs.toArray(String[]::new));
        assertFalse(StaleRemovalPlan.needsDefaults(stale), "each user loses one association: no DefaultAccount read");
        List<List<StaleRemovalPlan.Removal>> rounds = new StaleRemovalPlan(snapshot(assoc)).rounds(stale, null);
        assertEquals(1, rounds.size());
        assertEquals(1, rounds.get(0).size(), "the cross product gone_i × a_j holds no association that stays");
        Set<String> left = replay(assoc, Map.of(), rounds);
        Set<String> expected = new TreeSet<>(assoc);
        pairs.forEach(expected::remove);
        assertEquals(expected, left);
    }

    @Test
    void aUserLeavingSeveralAllocationsLosesTheDefaultOneInASecondRound() {
        Set<String> assoc = new TreeSet<>(Set.of("x@a1", "x@a2", "x@a3", "y@a1", "y@a2", "z@a3", "w@a2"));
        Map<String, String> defaults = Map.of("x", "a2", "y", "a1", "z", "a3", "w", "a2");
        List<MembershipBatch.Stale> stale = stale(new HashMap<>(), "x@a1", "x@a2", "x@a3", "y@a1", "y@a2", "z@a3");
        assertTrue(StaleRemovalPlan.needsDefaults(stale));
        List<List<StaleRemovalPlan.Removal>> rounds = new StaleRemovalPlan(snapshot(assoc)).rounds(stale, defaults);
        assertEquals(2, rounds.size(), "non-default associations, then the defaults");
        assertEquals(Set.of("w@a2"), replay(assoc, defaults, rounds), "w stays in a2: no command's cross product touches it");
        int commands = rounds.stream().mapToInt(List::size).sum();
        assertTrue(commands <= 4, "a few commands, not one per association: " + rounds);
    }

    @Test
    void withoutDefaultsEachRoundRemovesAtMostOneAssociationPerUser() {
        Set<String> assoc = new TreeSet<>(Set.of("x@a1", "x@a2", "x@a3", "y@a1", "y@a2"));
        Map<String, String> defaults = Map.of("x", "a3", "y", "a1");
        List<MembershipBatch.Stale> stale = stale(new HashMap<>(), "x@a1", "x@a2", "x@a3", "y@a1", "y@a2");
        List<List<StaleRemovalPlan.Removal>> rounds = new StaleRemovalPlan(snapshot(assoc)).rounds(stale, null);
        assertEquals(3, rounds.size(), "x has three stale associations");
        assertEquals(Set.of(), replay(assoc, defaults, rounds), "whatever the defaults are, no command is refused");
    }

    @Test
    void aWantedMemberInsideTheCrossProductKeepsGroupsApart() {
        // bob leaves a1 but stays in a2; carol leaves a2: {bob,carol} × {a1,a2} would remove bob@a2
        Set<String> assoc = new TreeSet<>(Set.of("bob@a1", "bob@a2", "carol@a2"));
        List<MembershipBatch.Stale> stale = stale(new HashMap<>(), "bob@a1", "carol@a2");
        List<List<StaleRemovalPlan.Removal>> rounds = new StaleRemovalPlan(snapshot(assoc)).rounds(stale, null);
        assertEquals(2, rounds.get(0).size());
        assertEquals(Set.of("bob@a2"), replay(assoc, Map.of(), rounds));
    }
}
