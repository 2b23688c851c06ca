package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipSyncRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.membership-sync.job-wait-ms", "10", "agent.membership-sync.job-wait-polls", "3");
    }

    private String project(String slug) {
        return waldur.addProject(customer, slug, slug);
    }

    /** An OK resource whose SLURM account exists with {@code users}. */
    private String allocation(String project, String slug, String... users) {
        String account = "hpc_" + slug;
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        a.users.addAll(List.of(users));
        slurm.accounts.put(account, a);
        return waldur.addResource(offering, project, slug, slug, "OK", account, Map.of());
    }

    private Set<String> users(String account) {
        return new LinkedHashSet<>(slurm.accounts.get(account).users);
    }

    private Object state(String resource) {
        return waldur.resource(resource).get("state");
    }

    @Test
    void teamsBecomeAssociationsAcrossSeveralResources() throws Exception {
        String p1 = project("p1");
        String p2 = project("p2");
        member(p1, "alice");
        member(p1, "bob");
        member(p2, "carol");
        String r1 = allocation(p1, "r1", "alice", "zed");
        String r2 = allocation(p1, "r2");
        String r3 = allocation(p2, "r3", "alice");

        cycle("membership-sync");

        assertEquals(Set.of("alice", "bob"), users("hpc_r1"), "bob added, zed (no team member) removed");
        assertEquals(Set.of("alice", "bob"), users("hpc_r2"));
        assertEquals(Set.of("carol"), users("hpc_r3"), "alice is not in p2's team");
        assertEquals(2, slurm.count("sacctmgr", "show"), "one association read for all three accounts, one that verifies the writes");
        assertEquals(0, slurm.count("sacctmgr", "add"));
        assertEquals(1, slurm.count("sacctmgr", "load"), "one load for the new associations of all three accounts");
        assertEquals(2, slurm.count("sacctmgr", "remove"));
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_r1'\nUser - 'bob':DefaultAccount='hpc_r1'\n"
                + "Parent - 'hpc_r2'\nUser - 'alice':DefaultAccount='hpc_r2'\nUser - 'bob':DefaultAccount='hpc_r1'\n"
                + "Parent - 'hpc_r3'\nUser - 'carol':DefaultAccount='hpc_r3'\n", slurm.loads.get(0),
                "policy individual: a user's DefaultAccount is one of their accounts");
        assertEquals(2, waldur.count("GET", ".*/team/"), "the team is read once per project");
        assertEquals(3, waldur.count("POST", ".*/refresh_last_sync/"));
        assertEquals(0, waldur.count("POST", ".*/set_as_erred/"));
        for (String r : List.of(r1, r2, r3)) {
            assertEquals("OK", state(r));
        }

        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(List.of("show"), slurm.calls.stream().map(c -> c.get(4)).toList(), "in sync: one read, no writes");
        waldur.assertNoViolations();
    }

    @Test
    void aStaleUsersRunningJobIsCancelledBeforeTheAssociationGoes() throws Exception {
        String p = project("p");
        member(p, "alice");
        allocation(p, "r1", "alice", "zed");
        slurm.runningJobs.add("42|hpc_r1|zed");
        slurm.runningJobs.add("43|hpc_other|zed");
        slurm.runningJobs.add("44|hpc_r1|alice");

        cycle("membership-sync");

        assertEquals(Set.of("alice"), users("hpc_r1"));
        assertEquals(List.of("43|hpc_other|zed", "44|hpc_r1|alice"), slurm.runningJobs,
                "only zed's job under this account was cancelled");
        List<String> order = slurm.calls.stream().map(c -> String.join(" ", c)).toList();
        int cancel = indexOf(order, "scancel --clusters=sandbox 42");
        int remove = indexOf(order, "remove user where name=zed and account=hpc_r1");
        assertTrue(cancel >= 0 && remove > cancel, () -> "scancel before remove: " + order);
        assertTrue(indexOf(order, "squeue --clusters=sandbox -h -A hpc_r1 -o %A|%a|%u") < cancel, "squeue first");
        assertEquals(1, slurm.count("scancel"), "one scancel with the job ids of the stale associations");
        waldur.assertNoViolations();
    }

    @Test
    void jobsStillEndingAfterScancelAreWaitedForBeforeTheRemoval() throws Exception {
        String p = project("p");
        allocation(p, "r1", "zed");
        slurm.runningJobs.add("42|hpc_r1|zed");
        AtomicInteger completing = new AtomicInteger();
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(ex -> {
            String exe = ex.getMessage().getHeader("CamelExecCommandExecutable", String.class);
            slurm.process(ex);
            if (exe.endsWith("scancel")) {
                slurm.runningJobs.add("42|hpc_r1|zed"); // still completing for one more look
                completing.set(1);
            } else if (exe.endsWith("squeue") && completing.getAndDecrement() == 1) {
                slurm.runningJobs.remove("42|hpc_r1|zed");
            }
        });
        runCycle("membership-sync");

        assertEquals(Set.of(), users("hpc_r1"));
        assertEquals(3, slurm.count("squeue"), "before scancel, job still listed, gone");
        assertEquals(0, waldur.count("POST", ".*/set_as_erred/"));
        waldur.assertNoViolations();
    }

    @Test
    void jobsThatDoNotEndLeaveTheRemovalForTheNextCycleWithoutErringTheResource() throws Exception {
        String p = project("p");
        String r = allocation(p, "r1", "zed");
        slurm.runningJobs.add("42|hpc_r1|zed");
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(ex -> {
            slurm.process(ex);
            if (ex.getMessage().getHeader("CamelExecCommandExecutable", String.class).endsWith("scancel")) {
                slurm.runningJobs.add("42|hpc_r1|zed"); // an unkillable job
            }
        });
        runCycle("membership-sync");

        assertEquals(Set.of("zed"), users("hpc_r1"), "sacctmgr refused: Job(s) active");
        assertEquals(1 + 3, slurm.count("squeue"), "the first look, then at most job-wait-polls");
        assertEquals("OK", state(r));
        waldur.assertNoViolations();
    }

    @Test
    void aStaleUserUnknownToLinuxIsRemovedWithoutScancel() throws Exception {
        String p = project("p");
        String r = allocation(p, "r1", "ghost");
        slurm.failWhen(argv -> argv.get(0).endsWith("squeue"));

        cycle("membership-sync");

        assertEquals(Set.of(), users("hpc_r1"));
        assertEquals(0, slurm.count("scancel"), "squeue failed (Invalid user): sacctmgr's own job check guards the removal");
        assertEquals("OK", state(r));
        waldur.assertNoViolations();
    }

    @Test
    void aQosChangeSlurmSilentlyIgnoresErrsTheResourceInsteadOfReportingTheWrongQos() throws Exception {
        String p = project("p");
        String r = allocation(p, "r1");
        waldur.setResourceFlags(r, true, false, false);
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(ex -> {
            @SuppressWarnings("unchecked")
            List<String> args = ex.getMessage().getHeader("CamelExecCommandArgs", List.class);
            if (args.contains("modify")) {
                slurm.calls.add(args);
                ex.getMessage().setHeader("CamelExecExitValue", 0);
                ex.getMessage().setBody("");
                ex.getMessage().setHeader("CamelExecStderr", " These associations don't have access to their default qos.\n");
            } else {
                slurm.process(ex);
            }
        });
        runCycle("membership-sync");

        assertEquals("Erred", state(r));
        assertTrue(((String) waldur.resource(r).get("error_message")).contains("left the QoS of hpc_r1 unchanged"));
        assertEquals(Map.of("qos", "normal"), waldur.resource(r).get("backend_metadata"), "what SLURM really has, not 'paused'");
        waldur.assertNoViolations();
    }

    @Test
    void aStaleUserWithoutJobsIsRemovedWithoutScancel() throws Exception {
        String p = project("p");
        allocation(p, "r1", "zed");

        cycle("membership-sync");

        assertEquals(Set.of(), users("hpc_r1"));
        assertEquals(1, slurm.count("squeue"));
        assertEquals(0, slurm.count("scancel"));
        waldur.assertNoViolations();
    }

    @Test
    void pauseDownscaleAndRestoreSetTheAccountQosAndReportIt() throws Exception {
        String p = project("p");
        String r = allocation(p, "r1");
        String other = allocation(p, "r2");

        waldur.setResourceFlags(r, true, true, false);
        cycle("membership-sync");
        assertEquals("paused", slurm.accounts.get("hpc_r1").qos, "paused wins over downscaled");
        assertEquals("normal", slurm.accounts.get("hpc_r2").qos);
        assertEquals(Map.of("qos", "paused"), waldur.resource(r).get("backend_metadata"));
        assertEquals(Map.of("qos", "normal"), waldur.resource(other).get("backend_metadata"));

        waldur.setResourceFlags(r, false, true, false);
        cycle("membership-sync");
        assertEquals("limited", slurm.accounts.get("hpc_r1").qos);
        assertEquals(Map.of("qos", "limited"), waldur.resource(r).get("backend_metadata"));

        waldur.setResourceFlags(r, false, false, false);
        slurm.calls.clear();
        waldur.clearRequests();
        cycle("membership-sync");
        assertEquals("normal", slurm.accounts.get("hpc_r1").qos);
        assertEquals(Map.of("qos", "normal"), waldur.resource(r).get("backend_metadata"));
        assertEquals(1, slurm.count("sacctmgr", "modify"), "only the account whose QoS differs");
        assertEquals(1, waldur.count("POST", ".*/set_backend_metadata/"), "only the resource whose QoS changed");

        slurm.calls.clear();
        waldur.clearRequests();
        cycle("membership-sync");
        assertEquals(0, slurm.count("sacctmgr", "modify"));
        assertEquals(0, waldur.count("POST", ".*/set_backend_metadata/"));
        waldur.assertNoViolations();
    }

    @Test
    void restrictMemberAccessRemovesEveryMemberAndAddsNobody() throws Exception {
        String p = project("p");
        member(p, "alice");
        member(p, "bob");
        String r = allocation(p, "r1", "alice", "carol");
        waldur.setResourceFlags(r, false, false, true);

        cycle("membership-sync");

        assertEquals(Set.of(), users("hpc_r1"));
        assertEquals(0, slurm.count("sacctmgr", "add"));
        assertEquals(0, waldur.count("GET", ".*/team/"), "no team needed");
        assertEquals("OK", state(r));
        waldur.assertNoViolations();
    }

    @Test
    void anErredResourceThatSyncsCleanlyGoesBackToOk() throws Exception {
        String p = project("p");
        member(p, "alice");
        String r = allocation(p, "r1");
        waldur.setResourceState(r, "Erred");
        String ok = allocation(p, "r2", "alice");

        cycle("membership-sync");

        assertEquals("OK", state(r));
        assertEquals(Set.of("alice"), users("hpc_r1"));
        assertEquals(1, waldur.count("POST", ".*/set_as_ok/"), "only for the resource that was Erred");
        assertEquals("OK", state(ok));
        waldur.assertNoViolations();
    }

    @Test
    void accountsGoingToTheSameQosChangeInOneCommandAndABadOneIsIsolated() throws Exception {
        String p = project("p");
        String q1 = allocation(p, "q1");
        String q2 = allocation(p, "q2");
        String q3 = allocation(p, "q3");
        String q4 = allocation(p, "q4");
        waldur.setResourceFlags(q1, true, false, false);
        waldur.setResourceFlags(q2, true, false, false);
        waldur.setResourceFlags(q3, true, false, false);
        waldur.setResourceFlags(q4, false, true, false);
        slurm.failWhen(argv -> argv.contains("modify") && argv.stream().anyMatch(a -> a.startsWith("name=") && a.contains("hpc_q2")));

        cycle("membership-sync");

        List<String> modifies = slurm.calls.stream().filter(c -> c.contains("modify"))
                .map(c -> c.stream().filter(a -> a.startsWith("name=") || a.startsWith("qos=")).toList().toString()).toList();
        assertEquals(List.of("[name=hpc_q4, qos=limited]", "[name=hpc_q1,hpc_q2,hpc_q3, qos=paused]", "[name=hpc_q1, qos=paused]",
                "[name=hpc_q2, qos=paused]", "[name=hpc_q3, qos=paused]"), modifies,
                "one modify per distinct QoS; the failed group again account by account");
        assertEquals("Erred", state(q2));
        assertTrue(((String) waldur.resource(q2).get("error_message")).contains("setting QoS paused on hpc_q2"));
        for (String r : List.of(q1, q3, q4)) {
            assertEquals("OK", state(r));
        }
        assertEquals("paused", slurm.accounts.get("hpc_q3").qos);
        assertEquals("limited", slurm.accounts.get("hpc_q4").qos);

        slurm.failWhen(argv -> false);
        slurm.calls.clear();
        cycle("membership-sync");
        assertEquals(1, slurm.count("sacctmgr", "modify"), "only hpc_q2 is left to change");
        assertEquals("OK", state(q2));
        waldur.assertNoViolations();
    }

    @Test
    void aFailingResourceIsErredWithTheSlurmMessageAndTheOthersContinue() throws Exception {
        String p = project("p");
        member(p, "alice");
        String good1 = allocation(p, "good1");
        String bad = allocation(p, "bad", "zed");
        String good2 = allocation(p, "good2");
        slurm.failLoadWhen(file -> file.contains("'hpc_bad'"));

        cycle("membership-sync");

        assertEquals(1 + 3, slurm.count("sacctmgr", "load"), "the batch failed: one load per account to isolate it");

        assertEquals("Erred", state(bad));
        String message = (String) waldur.resource(bad).get("error_message");
        assertTrue(message.contains("adding alice to hpc_bad") && message.contains("forced failure"), message);
        assertEquals(Set.of(), users("hpc_bad"), "the stale user was still removed");
        assertEquals("OK", state(good1));
        assertEquals("OK", state(good2));
        assertEquals(Set.of("alice"), users("hpc_good1"));
        assertEquals(Set.of("alice"), users("hpc_good2"));
        assertEquals(2, waldur.count("POST", ".*/refresh_last_sync/"), "not for the erred one");

        slurm.failLoadWhen(file -> false);
        cycle("membership-sync");
        assertEquals("OK", state(bad), "fixed: back to OK");
        waldur.assertNoViolations();
    }

    @Test
    void aMissingAccountIsWarnedAboutAndTheOthersAreSynced() throws Exception {
        String p = project("p");
        member(p, "alice");
        String gone = waldur.addResource(offering, p, "Gone", "gone", "OK", "hpc_gone", Map.of());
        String r = allocation(p, "r1");

        cycle("membership-sync");

        assertEquals(Set.of("alice"), users("hpc_r1"));
        assertFalse(slurm.accounts.containsKey("hpc_gone"), "not recreated");
        assertEquals("OK", state(gone), "not erred: the warning names it");
        assertEquals(1, waldur.count("GET", ".*/team/"), "no team read for the resource without an account");
        assertEquals(1, waldur.count("POST", ".*/refresh_last_sync/"));
        assertEquals("OK", state(r));
        waldur.assertNoViolations();
    }

    @Test
    void unsafeBackendIdErrsItsResourceAndNeverReachesSlurm() throws Exception {
        String p = project("p");
        String evil = waldur.addResource(offering, p, "Evil", "evil", "OK", "hpc_x,root", Map.of());
        String r = allocation(p, "r1");

        cycle("membership-sync");

        assertEquals("Erred", state(evil));
        assertTrue(((String) waldur.resource(evil).get("error_message")).contains("unsafe SLURM account name"));
        for (List<String> call : slurm.calls) {
            assertFalse(String.join(" ", call).contains("hpc_x"), () -> "reached SLURM: " + call);
        }
        assertEquals("OK", state(r));
        waldur.assertNoViolations();
    }

    @Test
    void transientWaldurTroubleLeavesTheResourceAlone() throws Exception {
        String p1 = project("p1");
        String p2 = project("p2");
        member(p1, "alice");
        member(p2, "bob");
        String r1 = allocation(p1, "r1", "zed");
        String r2 = allocation(p2, "r2");
        waldur.failMatching("GET", ".*/" + r1 + "/team/", 503, -1);

        cycle("membership-sync");

        assertEquals("OK", state(r1), "503 is transient: not erred");
        assertEquals(Set.of("zed"), users("hpc_r1"), "nothing removed without the team");
        assertEquals(0, waldur.count("POST", ".*/set_as_erred/"));
        assertEquals(Set.of("bob"), users("hpc_r2"));
        waldur.assertNoViolations();
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
