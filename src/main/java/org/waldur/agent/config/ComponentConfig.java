package org.waldur.agent.config;

import java.math.BigDecimal;

/**
 * One backend component (a SLURM TRES such as {@code cpu}, {@code mem}, {@code gres/gpu}) as configured under
 * {@code backend_components}. {@code unitFactor} is how many SLURM units (TRES-minutes, MB-minutes for mem)
 * make one Waldur unit.
 */
public record ComponentConfig(String type, String label, String measuredUnit, String accountingType,
                              BigDecimal unitFactor, BigDecimal unitFactorReporting, Long limit) {

    public boolean isUsage() {
        return "usage".equals(accountingType);
    }

    /** Prepaid: the resource's limit is per month, SLURM's budget covers the whole term. */
    public boolean isPrepaid() {
        return "one".equals(accountingType);
    }

    /** Factor used when reporting usage: {@code unit_factor_reporting} when set, else {@code unit_factor}. */
    public BigDecimal reportingFactor() {
        return unitFactorReporting != null ? unitFactorReporting : unitFactor;
    }
}
