package org.waldur.agent.accounts;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccountNamingTest {
    static SlurmSettings settings(boolean legacy, boolean uniqueness) {
        return new SlurmSettings("root", "common", "root", "hpc_", "hpc_", "hpc_", null, null, "/usr/bin", List.of(),
                null, false, "normal", null, null, false, "0077", null, uniqueness, 3, false, legacy, 34,
                SlurmSettings.UsageBasis.REQUESTED);
    }

    static Order order(String customerSlug, String projectSlug, Map<String, Object> options) {
        return new Order("o1", "Create", "executing", "1a2b3c4d5e6f", "x", Map.of(), Map.of(), null,
                "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", projectSlug, "Climate", "f0e1d2c3b4a5968778695a4b3c2d1e0f", customerSlug, "Uni",
                "off", options, null, null);
    }

    static Resource resource(String name, String slug) {
        return new Resource("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", name, slug, "Creating", null, null, null, null, null, null, null,
                null, Map.of(), Map.of(), false, false, false);
    }

    @Test
    void slugNamesAsTheReferenceAgent() {
        AccountNaming n = new AccountNaming(settings(false, false));
        Order o = order("uni-tartu", "climate-2024", Map.of());
        assertEquals("hpc_uni-tartu", n.customer(o));
        assertEquals("hpc_climate-2024", n.project(o));
        assertEquals(List.of("hpc_gpu-alloc"), n.allocationCandidates(o, resource("GPU", "gpu-alloc")));
    }

    @Test
    void projectSlugPolicyTriesNumberedNames() {
        AccountNaming n = new AccountNaming(settings(false, false));
        Order o = order("uni", "climate", Map.of("account_name_generation_policy", "project_slug"));
        assertEquals(List.of("hpc_climate", "hpc_climate-0", "hpc_climate-1"), n.allocationCandidates(o, resource("x", "gpu")));
    }

    @Test
    void uniquenessCheckKeepsTheResourceSlugAsBase() {
        AccountNaming n = new AccountNaming(settings(false, true));
        assertEquals(List.of("hpc_gpu", "hpc_gpu-0", "hpc_gpu-1"), n.allocationCandidates(order("u", "p", Map.of()), resource("x", "gpu")));
    }

    @Test
    void legacyUuidNamesMatchTheWorkedExamples() {
        AccountNaming n = new AccountNaming(settings(true, false));
        Order o = order("u", "p", Map.of());
        assertEquals("hpc_f0e1d2c3b4a5968778695a4b3c2d1e0f", n.customer(o));
        assertEquals("hpc_a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", n.project(o));
        assertEquals(List.of("hpc_1a2b3_mygpuallocation2024"), n.allocationCandidates(o, resource("My GPU allocation (2024)", null)));
        assertEquals(List.of("hpc_1a2b3_verylongallocationnamefo"),
                n.allocationCandidates(o, resource("Very long allocation name for the climate project", null)));
    }

    @Test
    void emptyOrUnsafeSlugsAreRefused() {
        AccountNaming n = new AccountNaming(settings(false, false));
        assertThrows(IllegalArgumentException.class, () -> n.customer(order("", "p", Map.of())));
        assertThrows(SlurmNames.UnsafeNameException.class, () -> n.project(order("u", "a,b", Map.of())));
        assertThrows(SlurmNames.UnsafeNameException.class, () -> n.allocationCandidates(order("u", "p", Map.of()), resource("x", "a b")));
    }
}
