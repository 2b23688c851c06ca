package org.waldur.agent.config;

import java.util.List;

/**
 * The {@code backend_settings} of a SLURM offering (site-agent-behaviour.md §3.3) plus this agent's extensions
 * ({@code command_prefix}, {@code usage_basis}, legacy UUID naming).
 *
 * @param commandPrefix argv prepended to every SLURM and home-directory command, e.g. {@code docker exec slurmctld}
 * @param legacyNaming  true when configured from 0.2.x environment variables: UUID-based account names
 */
public record SlurmSettings(
        String defaultAccount,
        String defaultAccountPolicy,
        String rootAccount,
        String customerPrefix,
        String projectPrefix,
        String allocationPrefix,
        String parentAccount,
        String clusterName,
        String slurmBinPath,
        List<String> commandPrefix,
        String defaultPartition,
        boolean enforceOfferingPartitions,
        String qosDefault,
        String qosDownscaled,
        String qosPaused,
        boolean homedirCreation,
        String homedirUmask,
        String homedirBasePath,
        boolean checkBackendIdUniqueness,
        int backendIdMaxRetries,
        boolean softDelete,
        boolean legacyNaming,
        int allocationNameMaxLen,
        UsageBasis usageBasis,
        PeriodicLimitsSettings periodicLimits) {

    /** Settings without periodic limits (0.2.x environment configuration, tests). */
    public SlurmSettings(String defaultAccount, String defaultAccountPolicy, String rootAccount, String customerPrefix,
                         String projectPrefix, String allocationPrefix, String parentAccount, String clusterName,
                         String slurmBinPath, List<String> commandPrefix, String defaultPartition,
                         boolean enforceOfferingPartitions, String qosDefault, String qosDownscaled, String qosPaused,
                         boolean homedirCreation, String homedirUmask, String homedirBasePath,
                         boolean checkBackendIdUniqueness, int backendIdMaxRetries, boolean softDelete,
                         boolean legacyNaming, int allocationNameMaxLen, UsageBasis usageBasis) {
        this(defaultAccount, defaultAccountPolicy, rootAccount, customerPrefix, projectPrefix, allocationPrefix,
                parentAccount, clusterName, slurmBinPath, commandPrefix, defaultPartition, enforceOfferingPartitions,
                qosDefault, qosDownscaled, qosPaused, homedirCreation, homedirUmask, homedirBasePath,
                checkBackendIdUniqueness, backendIdMaxRetries, softDelete, legacyNaming, allocationNameMaxLen, usageBasis,
                PeriodicLimitsSettings.OFF);
    }

    /**
     * {@code DefaultAccount=} for a user association with {@code allocation}: the configured default account
     * ({@code common}), the allocation itself ({@code individual}) or none at all ({@code none}: sacctmgr picks one
     * for new users and leaves existing users alone).
     */
    public String defaultAccountFor(String allocation) {
        return switch (defaultAccountPolicy == null ? "common" : defaultAccountPolicy) {
            case "individual" -> allocation;
            case "none" -> null;
            default -> defaultAccount;
        };
    }

    /** What a job is charged for: what it asked for (the reference agent) or what SLURM allocated. */
    public enum UsageBasis { REQUESTED, ALLOCATED }
}
