package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlurmCommandsTest {
    static SlurmSettings settings(String cluster, List<String> prefix) {
        return new SlurmSettings("root", "common", "root", "hpc_", "hpc_", "hpc_", null, cluster, "/usr/bin", prefix,
                null, false, "normal", null, null, false, "0077", null, false, 50, false, false, 34,
                SlurmSettings.UsageBasis.REQUESTED);
    }

    @Test
    void sacctmgrAlwaysGetsParsableNoheaderImmediateAndClusterScope() {
        SlurmCommands c = new SlurmCommands(settings("sandbox", List.of()));
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "add", "account", "hpc_a",
                "description=My project", "organization=hpc_p", "parent=hpc_p", "GrpTRESMins=cpu=600000,mem=614400", "cluster=sandbox"),
                c.addAccount("hpc_a", "My \"project\"", "hpc_p", "hpc_p", Map.of("mem", 614400L, "cpu", 600000L)).argv());
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "modify", "account", "where",
                "name=hpc_a", "cluster=sandbox", "set", "GrpTRESMins=cpu=1,mem=2"), c.setLimits("hpc_a", Map.of("mem", 2L, "cpu", 1L)).argv(),
                "cluster goes before set");
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "list", "tres"), c.listTres().argv(),
                "tres are cluster-independent");
        assertEquals(List.of("/usr/bin/scancel", "--clusters=sandbox", "-u", "alice", "-A", "hpc_a", "-f"), c.cancelUserJobs("alice", "hpc_a").argv());
        assertTrue(c.setLimits("hpc_a", Map.of("cpu", 1L)).mutating());
        assertFalse(c.associations().mutating());
    }

    @Test
    void qosSetsTheListAndTheDefaultSoAStaleDefaultCannotSilentlyBlockIt() {
        SlurmCommands c = new SlurmCommands(settings("sandbox", List.of()));
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "modify", "account", "where",
                "name=hpc_a", "cluster=sandbox", "set", "qos=paused", "defaultqos=paused"), c.setQos("hpc_a", "paused").argv());
        assertEquals(List.of("/usr/bin/squeue", "--clusters=sandbox", "-h", "-u", "zed", "-A", "hpc_a", "-o", "%A"),
                c.activeJobs("zed", "hpc_a").argv());
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "modify", "account", "where",
                "name=hpc_a,hpc_b", "cluster=sandbox", "set", "qos=paused", "defaultqos=paused"),
                c.setQos(List.of("hpc_a", "hpc_b"), "paused").argv(), "one process per distinct QoS");
        assertEquals(List.of("/usr/bin/squeue", "--clusters=sandbox", "-h", "-A", "hpc_a,hpc_b", "-o", "%A|%a|%u"),
                c.activeJobsByUser(List.of("hpc_a", "hpc_b")).argv());
        assertThrows(SlurmNames.UnsafeNameException.class, () -> c.setQos(List.of("hpc_a", "x y"), "paused"));
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "show", "association", "where",
                "account=hpc_a,hpc_b", "format=Cluster,Account,ParentName,User,GrpTRESMins,QOS,MaxTRESMins,Fairshare", "cluster=sandbox"),
                c.associations(List.of("hpc_a", "hpc_b")).argv());
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "remove", "user", "where",
                "name=zed", "and", "account=hpc_a", "cluster=sandbox"), c.removeUser("zed", "hpc_a").argv());
    }

    @Test
    void dockerPrefixWrapsEveryCommandIncludingHomeDirectories() {
        SlurmCommands c = new SlurmCommands(settings(null, List.of("docker", "exec", "slurmctld")));
        assertEquals(List.of("docker", "exec", "slurmctld", "/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "list", "tres"), c.listTres().argv());
        assertEquals(List.of("docker", "exec", "slurmctld", "/sbin/mkhomedir_helper", "alice", "0077"), c.mkhomedir("alice", "0077").argv());
    }

    @Test
    void severalUsersGoToOneAccountInOneProcess() {
        SlurmCommands c = new SlurmCommands(settings(null, List.of()));
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "add", "user", "alice,bob",
                "account=hpc_a", "DefaultAccount=hpc_a", "Share=parent"), c.addUsers(List.of("bob", "alice"), "hpc_a", "hpc_a", List.of()).argv());
        assertEquals(List.of("/usr/bin/sacctmgr", "--parsable2", "--noheader", "--immediate", "remove", "account", "where", "name=hpc_a,hpc_b"),
                c.removeAccounts(List.of("hpc_a", "hpc_b")).argv());
    }

    @Test
    void unsafeNamesAreRefusedBeforeAnyArgvExists() {
        SlurmCommands c = new SlurmCommands(settings(null, List.of()));
        for (String bad : List.of("bad name", "a,b", "-rf", "x\"y", "ümlaut", "", "A;rm", "$(x)")) {
            assertThrows(SlurmNames.UnsafeNameException.class, () -> c.setQos(bad, "normal"), bad);
            assertThrows(SlurmNames.UnsafeNameException.class, () -> c.removeUser(bad, "hpc_a"), bad);
        }
        assertThrows(SlurmNames.UnsafeNameException.class, () -> c.addUsers(List.of("alice", "bob,eve"), "hpc_a", null, List.of()));
    }

    @Test
    void sacctAsksForOneWindowForAllAccountsReadInTheAgentsZone() {
        assertEquals(List.of("env", "TZ=Europe/Tallinn", "/usr/bin/sacct", "--parsable2", "--noheader", "--noconvert", "--truncate", "--allocations", "--allusers",
                "--starttime=2026-11-01T00:00:00", "--endtime=2026-11-30T23:59:59", "--accounts=hpc_a,hpc_b",
                "--format=Account,ReqTRES,Elapsed,User"),
                new SlurmCommands(settings(null, List.of())).sacct(java.time.ZoneId.of("Europe/Tallinn"), "2026-11-01T00:00:00", "2026-11-30T23:59:59", List.of("hpc_a", "hpc_b")).argv());
    }

    @Test
    void resultsTreatNothingChangedAsAlreadyDone() {
        assertEquals(SlurmResult.Status.ALREADY, SlurmResult.of(1, " Nothing new added.\n", "").status());
        assertEquals(SlurmResult.Status.ALREADY, SlurmResult.of(1, " Nothing deleted\n", "").status());
        assertEquals(SlurmResult.Status.OK, SlurmResult.of(0, " Adding Account(s)\n", "").status());
        SlurmResult bad = SlurmResult.of(1, " Unknown option\n", "sacctmgr: error: no TRES known by type gres/tpu\n");
        assertEquals(SlurmResult.Status.FAILED, bad.status());
        assertEquals("sacctmgr: error: no TRES known by type gres/tpu Unknown option", bad.message());
        assertTrue(SlurmResult.of(1, " Error with request: Job(s) active, cancel job(s) before remove\n", "").jobsActive());
    }

    @Test
    void loadFileIsWrittenInTreeOrderWithCleanDescriptions() {
        LoadFile f = new LoadFile();
        f.account("hpc_alloc", "hpc_proj", "GPU: \"big\"\nrun", "hpc_proj", Map.of("cpu", 600000L));
        f.account("hpc_proj", "hpc_cust", "Project 'A'", "hpc_proj", null);
        f.account("hpc_cust", "root", "Uni", "hpc_cust", null);
        f.user("alice", "hpc_alloc", "hpc_alloc");
        assertEquals("""
                Cluster - 'sandbox'
                Parent - 'root'
                Account - 'hpc_cust':Description='Uni':Organization='hpc_cust'
                Parent - 'hpc_cust'
                Account - 'hpc_proj':Description='Project A':Organization='hpc_proj'
                Parent - 'hpc_proj'
                Account - 'hpc_alloc':Description='GPU big run':Organization='hpc_proj':GrpTRESMins='cpu=600000'
                Parent - 'hpc_alloc'
                User - 'alice':DefaultAccount='hpc_alloc'
                """, f.render("sandbox"));
    }

    @Test
    void snapshotReadsParentsLimitsUsersAndLegacyOrganizations() {
        AssociationSnapshot s = AssociationSnapshot.parse("""
                sandbox|root||||normal
                sandbox|root||root||normal
                sandbox|hpc_p|root|||normal
                sandbox|hpc_a|hpc_p||cpu=600000,mem=614400M|normal
                sandbox|hpc_a||alice||normal
                sandbox|hpc_old|root||cpu=5|normal
                """, "root|root\nhpc_p|hpc_p\nhpc_a|hpc_p\nhpc_old|hpc_p\nhpc_gone|hpc_p\n");
        assertEquals("hpc_p", s.get("hpc_a").parent);
        assertEquals("cpu=600000,mem=614400M", s.get("hpc_a").grpTresMins);
        assertEquals(List.of("alice"), List.copyOf(s.get("hpc_a").users()));
        assertEquals(List.of("hpc_a", "hpc_old"), List.copyOf(s.children("hpc_p")), "0.2.x allocations sit under root, linked by organization; a record left by a cluster-scoped removal is no child");
        assertEquals("sandbox", s.singleCluster());
    }

    @Test
    void tresAmountsUseBinarySuffixesAndMegabytesForMemory() {
        assertEquals(16000, TresString.amount("mem", "16000M"));
        assertEquals(2048, TresString.amount("mem", "2G"));
        assertEquals(614400, TresString.amount("mem", "614400"), "a bare mem number is MB");
        assertEquals(0.5, TresString.amount("mem", "512K"));
        assertEquals(1024 * 1024, TresString.amount("mem", "1T"));
        assertEquals(4, TresString.amount("cpu", "4"));
        assertEquals(2048, TresString.amount("billing", "2K"));
        assertEquals(0, TresString.amount("cpu", "lots"));
        assertEquals(Map.of("cpu", "4", "gres/gpu", "1"), TresString.parse("cpu=4,gres/gpu=1,broken,=3"));
    }
}
