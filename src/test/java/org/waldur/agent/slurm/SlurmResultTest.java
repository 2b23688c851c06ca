package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a SLURM process's exit code and output mean. Every output here was measured on the sandbox's SLURM 22.05
 * (examples/slurm-sandbox/FINDINGS.md, "sacctmgr load" and "Errors and outages").
 */
class SlurmResultTest {
    private static final SlurmCommand LOAD = new SlurmCommand(List.of("sacctmgr", "-i", "load", "file=/dev/stdin"), true,
            "Cluster - 'sandbox'\nParent - 'root'\nAccount - 'a1'\n");
    private static final SlurmCommand ADD = new SlurmCommand(List.of("sacctmgr", "-i", "add", "account", "a1"), true, null);

    @Test
    void nothingNewAddedUnderAnUnknownParentIsAFailureWithSlurmsMessage() {
        SlurmResult r = SlurmResult.of(LOAD, 1, "For cluster sandbox\n Nothing new added.\n",
                " line(2) You need to add this parent (i9nosuch) as a child before you can add children to it.\n");
        assertEquals(SlurmResult.Status.FAILED, r.status());
        assertTrue(r.message().contains("You need to add this parent (i9nosuch)"), r.message());
        assertFalse(r.isTransient());
    }

    @Test
    void nothingNewAddedWithoutAClusterLineIsAFailure() {
        SlurmResult r = SlurmResult.of(1, " Nothing new added.\n",
                " You need to specify a cluster name first with 'Cluster - $NAME' in your file\n");
        assertEquals(SlurmResult.Status.FAILED, r.status());
    }

    @Test
    void nothingNewAddedAloneIsAlreadyThere() {
        assertEquals(SlurmResult.Status.ALREADY, SlurmResult.of(ADD, 1, " Nothing new added.\n", "").status());
        assertEquals(SlurmResult.Status.ALREADY, SlurmResult.of(1, " Nothing modified\n", "").status());
        assertEquals(SlurmResult.Status.ALREADY, SlurmResult.of(1, " Nothing deleted\n", null).status());
    }

    @Test
    void aLoadThatReadNoInputIsAFailureEvenWithExitZero() {
        // docker exec without -i: sacctmgr's stdin is empty; it answers " Nothing new added." with exit 0
        SlurmResult r = SlurmResult.of(LOAD, 0, " Nothing new added.\n", "");
        assertEquals(SlurmResult.Status.FAILED, r.status());
        assertTrue(r.message().contains("read no input"), r.message());
        assertEquals(SlurmResult.Status.OK, SlurmResult.of(LOAD, 0, "For cluster sandbox\n Nothing new added.\n", "").status());
    }

    @Test
    void unreachableSlurmdbdMungeAndTimeoutsAreTransient() {
        SlurmResult dbd = SlurmResult.of(LOAD, 1, "", """
                sacctmgr: error: Sending PersistInit msg: Connection refused
                sacctmgr: error: DBD_GET_USERS failure: Connection refused
                 Your uid (0) is not in the accounting system, can't load file.
                """);
        assertTrue(dbd.isTransient(), dbd.message());
        SlurmResult list = SlurmResult.of(1, "", "sacctmgr: error: slurm_persist_conn_open_without_init: failed to open "
                + "persistent connection to host:localhost:6999: Connection refused\n");
        assertTrue(list.isTransient());
        SlurmResult munge = SlurmResult.of(1, "", """
                squeue: error: Munge encode failed: Failed to access "/tmp/i9m/nosock": No such file or directory (Did you start munged?)
                squeue: error: slurm_send_node_msg: auth_g_create: REQUEST_JOB_INFO has authentication error
                slurm_load_jobs error: Protocol authentication error
                """);
        assertTrue(munge.isTransient());
        assertTrue(SlurmResult.of(1, "", "squeue: error: Unable to contact slurm controller (connect failure)\n").isTransient());
        assertTrue(SlurmResult.of(143, "", "").isTransient(), "killed at the configured timeout");
    }

    @Test
    void everythingElseIsPermanent() {
        SlurmResult badTres = SlurmResult.of(LOAD, 1, "For cluster sandbox\n", """
                sacctmgr: error: slurmdb_format_tres_str: no TRES known by type gres/tpu
                 Unknown option: GrpTRESMins=cpu=10,gres/tpu=5
                 Problem with line(6)
                 Problem with requests: Unspecified error
                """);
        assertEquals(SlurmResult.Status.FAILED, badTres.status());
        assertFalse(badTres.isTransient());
        assertFalse(SlurmResult.of(1, " This account 'x' doesn't exist.\n No associations or wckeys created.\n", "").isTransient());
        assertFalse(SlurmResult.of(0, "ok", "").isTransient());
    }
}
