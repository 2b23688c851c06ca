package org.waldur.agent.config;

import org.waldur.agent.slurm.SlurmNames;

/** Start-up checks that the names configured for SLURM can never produce an unsafe command. */
final class SettingsCheck {
    private SettingsCheck() {
    }

    static void names(SlurmSettings s, Node n) {
        account(n, "default_account", s.defaultAccount());
        account(n, "root_account", s.rootAccount());
        if (s.parentAccount() != null) {
            account(n, "parent_account", s.parentAccount());
        }
        for (String[] q : new String[][]{{"qos_default", s.qosDefault()}, {"qos_downscaled", s.qosDownscaled()},
                {"qos_paused", s.qosPaused()}}) {
            if (q[1] != null) {
                account(n, q[0], q[1]);
            }
        }
        for (String[] p : new String[][]{{"customer_prefix", s.customerPrefix()}, {"project_prefix", s.projectPrefix()},
                {"allocation_prefix", s.allocationPrefix()}}) {
            if (!p[1].isEmpty() && !p[1].matches("[a-z0-9_][a-z0-9_-]*")) {
                throw n.error(p[0], "'" + p[1] + "' would make unsafe SLURM account names (allowed: a-z 0-9 _ -)");
            }
        }
        if (s.clusterName() != null && !SlurmNames.isOther(s.clusterName())) {
            throw n.error("cluster_name", "'" + s.clusterName() + "' is not a valid cluster name");
        }
        if (s.defaultPartition() != null && !SlurmNames.isOther(s.defaultPartition())) {
            throw n.error("default_partition", "'" + s.defaultPartition() + "' is not a valid partition name");
        }
    }

    private static void account(Node n, String key, String value) {
        if (!SlurmNames.isAccount(value)) {
            throw n.error(key, "'" + value + "' is not a safe SLURM account name (pattern " + SlurmNames.ACCOUNT.pattern() + ")");
        }
    }
}
