package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectMovesTest {
    /** cust_a holds project climate with two allocations and an empty account; project physics hangs under cust_b. */
    private static final String TREE = """
            sandbox|hpc_cust-a|root|||normal
            sandbox|hpc_cust-b|root|||normal
            sandbox|hpc_climate|hpc_cust-a|||normal
            sandbox|hpc_alloc1|hpc_climate||cpu=600|normal
            sandbox|hpc_alloc1||alice||normal
            sandbox|hpc_alloc2|hpc_climate||cpu=60|normal
            sandbox|hpc_physics|hpc_cust-b|||normal
            sandbox|hpc_alloc3|hpc_physics|||normal
            sandbox|hpc_empty|hpc_cust-a|||normal
            """;
    private final List<String> warnings = new ArrayList<>();

    private static SlurmSettings settings(String parentAccount) {
        return new SlurmSettings("root", "individual", "root", "hpc_", "hpc_", "hpc_", parentAccount, "sandbox", "/usr/bin",
                List.of(), null, false, "normal", null, null, false, "0077", null, false, 50, false, false, 0,
                SlurmSettings.UsageBasis.REQUESTED);
    }

    private ProjectMoves moves(String parentAccount) {
        return new ProjectMoves(settings(parentAccount), AssociationSnapshot.parse(TREE, ""), warnings::add);
    }

    @Test
    void aProjectUnderAnotherCustomerMovesAloneAllocationsStayBelowIt() {
        ProjectMoves m = moves(null);
        // two resources of the same moved project, one of an unmoved project
        m.check("cust-b", null, "Customer B", "climate", null);
        m.check("cust-b", null, "Customer B", "climate", null);
        m.check("cust-b", null, "Customer B", "physics", null);
        assertEquals(List.of(new ProjectMoves.Move("hpc_climate", "hpc_cust-a", "hpc_cust-b")), m.moves());
        // a bare line keeps description and organization; no allocation is written
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_cust-b'\nAccount - 'hpc_climate'\n", m.load().render("sandbox"));
    }

    @Test
    void aMissingCustomerAccountIsCreatedInALoadOfItsOwnBeforeTheMoves() {
        ProjectMoves m = moves(null);
        m.check("cust-c", null, "Customer: C's", "climate", null);
        m.check("cust-c", null, "Customer: C's", "physics", null);
        // SLURM does not commit a re-parent in a file that also adds an account (FINDINGS §24): two files
        assertEquals("""
                Cluster - 'sandbox'
                Parent - 'root'
                Account - 'hpc_cust-c':Description='Customer C s':Organization='hpc_cust-c'
                """, m.customersLoad().render("sandbox"));
        assertEquals("""
                Cluster - 'sandbox'
                Parent - 'hpc_cust-c'
                Account - 'hpc_climate'
                Account - 'hpc_physics'
                """, m.load().render("sandbox"));
        assertEquals("Cluster - 'sandbox'\nParent - 'hpc_cust-c'\nAccount - 'hpc_physics'\n", m.load(m.moves().get(1)).render("sandbox"));
        assertTrue(moves(null).customersLoad().isEmpty());
    }

    @Test
    void nothingToDoWhenInPlaceMissingFlatOrUnnamed() {
        ProjectMoves m = moves(null);
        m.check("cust-a", null, "A", "climate", null);     // already under its customer
        m.check("cust-b", null, "B", "newproject", null);  // no project account: the order planner creates it
        m.check(null, null, "B", "climate", null);         // Waldur gave no customer slug
        m.check("climate", null, "B", "climate", null);     // prefixes make customer and project one name
        m.check("cust-b", null, "B", "empty", null);        // nothing hangs under it: no project account of ours
        assertTrue(m.isEmpty());
        assertEquals(2, warnings.size(), warnings.toString());

        ProjectMoves flat = moves("flat_parent");
        flat.check("cust-b", null, "B", "climate", null);
        assertTrue(flat.isEmpty(), "a flat tree has no customer tier");
        assertEquals(List.of(), flat.accountsOf("cust-b", null, "climate", null));
    }

    @Test
    void anAllocationWhoseNameAProjectSlugGivesIsNeverMoved() {
        ProjectMoves m = moves(null);
        // default prefixes are all "hpc_": a project slugged "alloc1" names the allocation account hpc_alloc1
        m.check("cust-b", null, "B", "alloc1", null);
        assertTrue(m.isEmpty(), "an account with user associations is no project account");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("hpc_alloc1 has user associations"), warnings.toString());
    }

    @Test
    void verifiedOnlyWhenTheReadShowsTheProjectUnderItsNewCustomer() {
        ProjectMoves m = moves(null);
        m.check("cust-b", null, "B", "climate", null);
        assertEquals(m.moves(), m.unverified(AssociationSnapshot.parse("sandbox|hpc_climate|hpc_cust-a|||normal\n", "")));
        assertEquals(m.moves(), m.unverified(AssociationSnapshot.parse("", "")));
        assertEquals(List.of(), m.unverified(AssociationSnapshot.parse("sandbox|hpc_climate|hpc_cust-b|||normal\n", "")));
    }

    @Test
    void theReadCoversEachResourcesProjectAndCustomer() {
        assertEquals(List.of("hpc_cust-b", "hpc_climate"), moves(null).accountsOf("cust-b", null, "climate", null));
        assertEquals(List.of(), moves(null).accountsOf("cust-b", null, null, null));
    }
}
