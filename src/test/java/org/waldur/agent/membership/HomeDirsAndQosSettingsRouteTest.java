package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Membership sync with home directories on (under a base path) and without {@code qos_paused}/{@code qos_downscaled}. */
class HomeDirsAndQosSettingsRouteTest extends AgentRouteTestSupport {
    /** Static: the config file is written while the superclass is constructed. */
    private static final Path HOMES = tempDir();
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate", "climate");

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("homes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected String backendSettings() {
        return """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "hpc_"
                  project_prefix: "hpc_"
                  allocation_prefix: "hpc_"
                  cluster_name: "sandbox"
                  default_partition: "debug"
                  qos_default: "normal"
                  enable_user_homedir_account_creation: true
                  default_homedir_umask: "0077"
                  homedir_base_path: "%s"
            """.formatted(HOMES);
    }

    private String allocation(String slug, String... users) {
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put("hpc_" + slug, a);
        return waldur.addResource(offering, project, slug, slug, "OK", "hpc_" + slug, Map.of());
    }

    private List<String> homedirCalls() {
        return slurm.calls.stream().filter(c -> c.get(0).endsWith("mkhomedir_helper")).map(c -> c.get(1) + " " + c.get(2)).toList();
    }

    @Test
    void homesForNewUsersAndExistingUsersWithoutOneAndNeverTwice() throws Exception {
        String user = "carol" + System.nanoTime() % 100000;
        Files.createDirectories(HOMES.resolve(user));
        member(project, "alice");
        member(project, "bob");
        member(project, user);
        allocation("r1", "alice", user);

        cycle("membership-sync");

        assertEquals(List.of("bob 0077", "alice 0077"), homedirCalls(),
                "bob is new; alice is in SLURM but has no home under the base path; " + user + " has one");
        assertTrue(slurm.calls.contains(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "add", "user", "bob",
                "account=hpc_r1", "DefaultAccount=hpc_r1", "Partition=debug", "cluster=sandbox")), () -> "" + slurm.calls);

        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(List.of(), homedirCalls(), "made once: never again in this process (gh-15)");
        waldur.assertNoViolations();
    }

    @Test
    void aFailedHomeIsLoggedAndTheResourceStaysOk() throws Exception {
        member(project, "dave");
        String r = allocation("r1");
        slurm.failWhen(argv -> argv.get(0).endsWith("mkhomedir_helper"));

        cycle("membership-sync");

        assertEquals("OK", waldur.resource(r).get("state"));
        assertEquals(Set.of("dave"), slurm.accounts.get("hpc_r1").users);

        slurm.failWhen(argv -> false);
        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(List.of("dave 0077"), homedirCalls(), "a failed home is tried again");
        waldur.assertNoViolations();
    }

    @Test
    void pausedWithoutQosPausedErrsOnlyThatResourceAndStillSyncsItsMembers() throws Exception {
        member(project, "erin");
        String paused = allocation("paused");
        String down = allocation("down");
        String fine = allocation("fine");
        waldur.setResourceFlags(paused, true, false, false);
        waldur.setResourceFlags(down, false, true, false);

        cycle("membership-sync");

        assertEquals("Erred", waldur.resource(paused).get("state"));
        assertTrue(((String) waldur.resource(paused).get("error_message")).contains("qos_paused is not configured"));
        assertEquals("Erred", waldur.resource(down).get("state"));
        assertTrue(((String) waldur.resource(down).get("error_message")).contains("qos_downscaled is not configured"));
        assertEquals(Set.of("erin"), slurm.accounts.get("hpc_paused").users, "membership is still synced");
        assertEquals("normal", slurm.accounts.get("hpc_paused").qos, "QoS left as it was");
        assertEquals("OK", waldur.resource(fine).get("state"));
        waldur.assertNoViolations();
    }

    @Test
    void createHomedirsRunsOncePerMemberOfEveryResource() throws Exception {
        member(project, "frank");
        member(project, "gina");
        String other = waldur.addProject(customer, "Other", "other");
        member(other, "hank");
        allocation("r1");
        allocation("r2");
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        slurm.accounts.put("hpc_r3", a);
        waldur.addResource(offering, other, "r3", "r3", "OK", "hpc_r3", Map.of());
        String restricted = waldur.addResource(offering, other, "r4", "r4", "OK", "hpc_r4", Map.of());
        waldur.setResourceFlags(restricted, false, false, true);

        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(slurm);
        runCycle("create-homedirs");

        assertEquals(List.of("frank 0077", "gina 0077", "hank 0077"), homedirCalls(), "each member once, SLURM untouched");
        assertEquals(3, slurm.total());
        assertEquals(2, waldur.count("GET", ".*/team/"), "one team per project");
        waldur.assertNoViolations();
    }
}
