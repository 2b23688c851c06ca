package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OrderVerifierTest {
    private static OrderWork create() {
        LoadFile f = new LoadFile();
        f.account("hpc_p", "root", "Project", "hpc_p", null);
        f.account("hpc_a", "hpc_p", "Alloc", "hpc_p", Map.of("cpu", 600000L));
        f.user("alice", "hpc_a", "hpc_a");
        return new OrderWork(null, null, OrderWork.Kind.CREATE, "hpc_a", true, f);
    }

    @Test
    void aCreateIsThereOnlyWithItsAccountsParentsLimitsAndMembers() {
        String all = """
                sandbox|hpc_p|root|||normal
                sandbox|hpc_a|hpc_p||cpu=600000|normal
                sandbox|hpc_a||alice||normal
                """;
        assertEquals(List.of(), OrderVerifier.missing(create(), AssociationSnapshot.parse(all, "")));
        assertEquals(List.of("account hpc_a is not in SLURM", "user alice has no association with hpc_a"),
                OrderVerifier.missing(create(), AssociationSnapshot.parse("sandbox|hpc_p|root|||normal\n", "")));
        String noLimit = """
                sandbox|hpc_p|root|||normal
                sandbox|hpc_a|hpc_p|||normal
                sandbox|hpc_a||alice||normal
                """;
        assertEquals(List.of("account hpc_a has GrpTRESMins '', not {cpu=600000}"),
                OrderVerifier.missing(create(), AssociationSnapshot.parse(noLimit, "")));
    }

    @Test
    void aTerminateIsThereWhenItsAccountIsGone() {
        OrderWork t = new OrderWork(null, null, OrderWork.Kind.TERMINATE, "hpc_a", false, new LoadFile());
        t.removals.add("hpc_a");
        assertEquals(List.of("account hpc_a is still in SLURM"),
                OrderVerifier.missing(t, AssociationSnapshot.parse("sandbox|hpc_a|hpc_p|||normal\n", "")));
        assertEquals(List.of(), OrderVerifier.missing(t, AssociationSnapshot.parse("", "")));
    }
}
