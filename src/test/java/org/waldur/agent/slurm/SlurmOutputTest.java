package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs as examples/slurm-sandbox/FINDINGS.md records them on SLURM 22.05.8. */
class SlurmOutputTest {

    @Test
    void tresNamesFromListTres() {
        String out = "cpu||1\nmem||2\nenergy||3\nnode||4\nbilling||5\nfs|disk|6\nvmem||7\npages||8\ngres|gpu|1001\n";
        assertEquals(Set.of("cpu", "mem", "energy", "node", "billing", "fs/disk", "vmem", "pages", "gres/gpu"),
                SlurmOutput.tres(out));
    }

    @Test
    void jobIdsIgnoreAnythingElse() {
        assertEquals(List.of("3", "2", "7_1"), SlurmOutput.jobIds("3\n2\n 7_1 \nCLUSTER: sandbox\n\n"));
        assertEquals(List.of(), SlurmOutput.jobIds(""));
    }

    @Test
    void jobsWithAccountAndUser() {
        assertEquals(List.of(new SlurmOutput.Job("3", "alloc_a1x", "bob")),
                SlurmOutput.jobs("3|alloc_a1x|bob\nnot|a|job\n4|short\n"));
    }

    @Test
    void qosLeftUnchangedDespiteExitZero() {
        SlurmResult ignored = SlurmResult.of(0, "", " These associations don't have access to their default qos.\n"
                + " Please give them access before they the default can be set to this.\n");
        assertTrue(SlurmOutput.qosIgnored(ignored));
        assertFalse(SlurmOutput.qosIgnored(SlurmResult.of(0, " Modified account associations...\n", "")));
        assertFalse(SlurmOutput.qosIgnored(SlurmResult.of(1, "", "don't have access to their default qos")),
                "a failed command is a failure, not an ignored QoS");
    }
}
