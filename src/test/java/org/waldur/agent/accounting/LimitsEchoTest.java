package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ComponentConfig;

import java.math.BigDecimal;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LimitsEchoTest {
    private static final Map<String, ComponentConfig> COMPONENTS = Map.of(
            "cpu", new ComponentConfig("cpu", "CPU", "k-Hours", "usage", new BigDecimal("60000"), null, null),
            "gres/gpu", new ComponentConfig("gres/gpu", "GPU", "GPU-hours", "limit", new BigDecimal("60"), null, null));

    @Test
    void slurmValuesInWaldurUnitsOverWaldursOwnWhenTheyDiffer() {
        assertEquals(Map.of("limits", Map.of("cpu", 15L, "gres/gpu", 2L)),
                LimitsEcho.body(Map.of("cpu", 10, "gres/gpu", 2), "cpu=900000,gres/gpu=120", COMPONENTS));
    }

    @Test
    void nothingWhenEqualOrWhenSlurmHoldsNoLimit() {
        assertNull(LimitsEcho.body(Map.of("cpu", 15), "cpu=900000", COMPONENTS));
        assertNull(LimitsEcho.body(Map.of("cpu", 15), "", COMPONENTS));
        assertNull(LimitsEcho.body(Map.of("cpu", 15), "mem=100", COMPONENTS), "an unconfigured TRES is not Waldur's");
    }
}
