package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Done means verified, for members: after the writes one fresh read decides whether a member is added, a QoS set,
 * a stale association gone; what it lacks is applied again alone, and what SLURM refuses or still lacks errs only
 * that resource, with SLURM's message — its members are not claimed (no home directory).
 */
class MembershipVerifiedRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected String backendSettings() {
        return super.backendSettings().replace("enable_user_homedir_account_creation: false", "enable_user_homedir_account_creation: true");
    }

    private String allocation(String slug, String member, String... users) {
        String project = waldur.addProject(customer, slug, slug);
        member(project, member);
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, Map.of());
    }

    private List<String> homes() {
        return slurm.calls.stream().filter(c -> c.get(0).endsWith("mkhomedir_helper")).map(c -> c.get(1)).sorted().toList();
    }

    private String error(String resource) {
        return String.valueOf(waldur.resource(resource).get("error_message"));
    }

    @Test
    void aLoadSlurmAcceptedButDidNotApplyIsRetriedAloneThenTheResourceErrsAndItsMemberGetsNoHome() throws Exception {
        String good = allocation("good", "alice");
        String ghost = allocation("ghost", "bob");
        slurm.swallowLoadWhen(file -> file.contains("hpc_ghost"));

        cycle("membership-sync");

        assertEquals(Set.of("alice"), slurm.accounts.get("hpc_good").users);
        assertEquals("OK", waldur.resource(good).get("state"));
        assertEquals("Erred", waldur.resource(ghost).get("state"), "SLURM said yes, but bob is not there");
        assertTrue(error(ghost).contains("SLURM accepted the writes, but user(s) bob have no association with hpc_ghost"), error(ghost));
        assertEquals(List.of("alice"), homes(), "bob was not added: no home for him");
        assertEquals(3, slurm.count("sacctmgr", "show"), "the plan's read, the verifying read, the read after the retry");
        assertEquals(3, slurm.count("sacctmgr", "load"), "the batch (swallowed whole), then each account's own load alone");
        assertTrue(slurm.loads.get(2).contains("hpc_ghost") && !slurm.loads.get(2).contains("hpc_good"), slurm.loads.get(2));
        waldur.assertNoViolations();
    }

    @Test
    void aRetrySlurmRefusesErrsTheResourceWithSlurmsOwnMessage() throws Exception {
        String good = allocation("good", "alice");
        String ghost = allocation("ghost", "bob");
        slurm.swallowLoadWhen(file -> file.contains("hpc_ghost") && file.contains("hpc_good"));
        slurm.failLoadWhen(file -> file.contains("hpc_ghost"));

        cycle("membership-sync");

        assertEquals("OK", waldur.resource(good).get("state"));
        assertEquals("Erred", waldur.resource(ghost).get("state"));
        assertTrue(error(ghost).contains("adding bob to hpc_ghost: Error with request: forced failure"), error(ghost));
        assertEquals(Set.of("alice"), slurm.accounts.get("hpc_good").users, "good's own retry applied");
        assertEquals(3, slurm.count("sacctmgr", "show"), "the plan's read, the verifying read, the read after good's retry");
        assertEquals(List.of("alice"), homes());
    }

    @Test
    void aQosChangeAndARemovalSlurmDidNotApplyAreCaught() throws Exception {
        String paused = allocation("paused", "alice", "alice");
        String stale = allocation("stale", "bob", "bob", "zed");
        waldur.setResourceFlags(paused, true, false, false);
        slurm.swallowWhen(argv -> argv.contains("modify") || (argv.contains("remove") && argv.contains("name=zed")));

        cycle("membership-sync");

        assertEquals("Erred", waldur.resource(paused).get("state"));
        assertTrue(error(paused).contains("account hpc_paused has QoS 'normal', not paused"), error(paused));
        assertEquals("Erred", waldur.resource(stale).get("state"));
        assertTrue(error(stale).contains("user zed still has an association with hpc_stale"), error(stale));
        assertEquals(2, slurm.count("sacctmgr", "modify"), "the batch QoS change, then again alone");
    }

    @Test
    void verifyingCostsOneReadWhateverTheNumberOfResources() throws Exception {
        for (int i = 0; i < 20; i++) {
            allocation("r" + i, "user" + i);
        }
        cycle("membership-sync");
        assertEquals(2, slurm.count("sacctmgr", "show"), "the plan's read and the verifying read");
        assertEquals(1, slurm.count("sacctmgr", "load"));
        assertEquals(20, homes().size());
        assertEquals(23, slurm.total(), () -> "" + slurm.calls);
    }
}
