package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ComponentConfig;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserLimitsPlanTest {
    private static final String R = "0123456789abcdef0123456789abcdef";
    private static final String API = "https://waldur.example/api/";
    private static final Map<String, ComponentConfig> COMPONENTS = Map.of(
            "cpu", new ComponentConfig("cpu", "CPU", "k-Hours", "usage", new BigDecimal("60000"), null, null),
            "gres/gpu", new ComponentConfig("gres/gpu", "GPU", "GPU-hours", "limit", new BigDecimal("60"), null, null));
    // Cluster|Account|ParentName|User|GrpTRESMins|QOS|MaxTRESMins
    private static final AssociationSnapshot SNAPSHOT = AssociationSnapshot.parse("""
            sandbox|hpc_a|root|||normal|
            sandbox|hpc_a||alice||normal|cpu=600000
            sandbox|hpc_a||bob||normal|gres/gpu=120
            sandbox|hpc_a||carol||normal|
            """, "");
    private final List<String> log = new ArrayList<>();

    private static MembershipWork work() {
        MembershipWork w = new MembershipWork(new org.waldur.agent.waldur.Resource(R, "A", "a", "OK", "hpc_a", "p", null, null,
                null, null, null, Map.of(), Map.of(), Map.of(), false, false, false), "hpc_a", false);
        w.existing.addAll(List.of("alice", "bob", "carol"));
        return w;
    }

    private static final List<UserLimitsPlan.OfferingUser> USERS = List.of(
            new UserLimitsPlan.OfferingUser("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "11111111111111111111111111111111", "alice"),
            new UserLimitsPlan.OfferingUser("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "22222222222222222222222222222222", "bob"),
            new UserLimitsPlan.OfferingUser("cccccccccccccccccccccccccccccccc", "33333333333333333333333333333333", "carol"));

    private static UserLimitsPlan.Limit limit(String userUrl, String type, String amount) {
        return new UserLimitsPlan.Limit(API + "marketplace-resources/" + R + "/", userUrl, type, new BigDecimal(amount));
    }

    @Test
    void limitsMatchedByUrlBecomeMaxTresMinsOnlyWhereTheyDiffer() {
        MembershipWork w = work();
        var plan = new UserLimitsPlan(SNAPSHOT, COMPONENTS, log::add).plan(List.of(w), List.of(
                limit(API + "users/11111111111111111111111111111111/", "cpu", "10"),            // alice: 10 × 60000 = SLURM's
                limit(API + "marketplace-offering-users/cccccccccccccccccccccccccccccccc/", "cpu", "2.5")), USERS);
        assertEquals(Map.of(
                "bob", Map.of("gres/gpu", -1L),          // no limit in Waldur any more: cleared
                "carol", Map.of("cpu", 150000L)), plan.get(w), "alice already holds Waldur's value: untouched");
    }

    @Test
    void aUrlIsNeverComparedWithAUsernameAndUnknownComponentsAreIgnored() {
        MembershipWork w = work();
        var plan = new UserLimitsPlan(SNAPSHOT, COMPONENTS, log::add).plan(List.of(w), List.of(
                limit("alice", "cpu", "1"),
                limit(API + "users/11111111111111111111111111111111/", "storage", "5")), USERS);
        assertEquals(Map.of("alice", Map.of("cpu", -1L), "bob", Map.of("gres/gpu", -1L)), plan.get(w));
        assertTrue(log.stream().anyMatch(l -> l.contains("no offering user")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("storage")), log.toString());
    }

    @Test
    void theLoadLinesQuoteTheTresList() {
        String file = UserLimitsPlan.load(work(), Map.of("bob", Map.of("gres/gpu", 120L, "cpu", -1L))).render("sandbox");
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_a'\nUser - 'bob':MaxTRESMins='cpu=-1,gres/gpu=120'\n", file);
    }
}
