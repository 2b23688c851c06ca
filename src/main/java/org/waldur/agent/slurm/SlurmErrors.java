package org.waldur.agent.slurm;

import java.util.List;

/**
 * SLURM failures in two kinds, decided once here as {@code WaldurErrors} does for Waldur: transient — slurmdbd or
 * slurmctld unreachable, munge refusing, the database busy, a command killed at the configured timeout — leave
 * the item for the next cycle and never err it; everything else is permanent and errs the item with SLURM's own
 * message. Each marker was measured on the sandbox (examples/slurm-sandbox/FINDINGS.md, "Errors and outages").
 */
public final class SlurmErrors {
    /** Text SLURM prints when it could not reach or authenticate to its daemons: nothing was decided. */
    private static final List<String> TRANSIENT_MARKERS = List.of(
            "Connection refused",                         // slurmdbd down: Sending PersistInit msg / DBD_GET_* failure
            "failed to open persistent connection",       // slurm_persist_conn_open_without_init
            "Unable to contact slurm controller",         // slurmctld down (squeue, scancel)
            "Munge encode failed", "Munge decode failed", // munged down or its socket missing
            "Protocol authentication error", "has authentication error",
            "Socket timed out", "Connection timed out", "Zero Bytes were transmitted or received",
            "Database is busy", "Problem talking to the database");

    /** Exit code of a process camel-exec killed at {@code agent.slurm.timeout-ms} (SIGTERM). */
    public static final int KILLED_AT_TIMEOUT = 143;

    private SlurmErrors() {
    }

    public static boolean isTransient(int exitCode, String output) {
        if (exitCode == KILLED_AT_TIMEOUT) {
            return true;
        }
        if (exitCode == 0 || output == null) {
            return false;
        }
        return TRANSIENT_MARKERS.stream().anyMatch(output::contains);
    }
}
