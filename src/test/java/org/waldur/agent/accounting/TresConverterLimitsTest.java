package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ComponentConfig;

import java.math.BigDecimal;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TresConverterLimitsTest {
    final TresConverter c = new TresConverter(Map.of(
            "cpu", new ComponentConfig("cpu", "CPU", "k-Hours", "usage", new BigDecimal("60000"), null, 10L),
            "mem", new ComponentConfig("mem", "RAM", "gb-Hours", "usage", new BigDecimal("61440"), null, 10L),
            "gres/gpu", new ComponentConfig("gres/gpu", "GPU", "GPU-hours", "limit", new BigDecimal("60"), null, null)));

    @Test
    void workedExamplesOfTheReference() {
        assertEquals(Map.of("cpu", 600000L, "mem", 614400L), c.toSlurm(c.waldurLimitsForCreate(Map.of())));
        assertEquals(Map.of("cpu", 6060000L, "mem", 18493440L), c.toSlurm(Map.of("cpu", 101, "mem", 301)));
    }

    @Test
    void createLimitsAreResourceLimitsPlusConfiguredUsageLimits() {
        assertEquals(Map.of("cpu", 10L, "mem", 10L, "gres/gpu", 5L), c.waldurLimitsForCreate(Map.of("gres/gpu", 5, "unknown", 3)));
        assertEquals(Map.of("cpu", 20L, "mem", 10L), c.waldurLimitsForCreate(Map.of("cpu", 20)));
    }

    @Test
    void readBackRoundsToWholeWaldurUnits() {
        assertEquals(Map.of("cpu", 10L, "mem", 10L), c.fromSlurm("cpu=600000,mem=614400M"));
        assertEquals(Map.of("cpu", 10L, "mem", 10L), c.fromSlurm("cpu=629999,mem=600G,node=1"));
    }
}
