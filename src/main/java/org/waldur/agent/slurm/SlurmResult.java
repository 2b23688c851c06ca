package org.waldur.agent.slurm;

/**
 * What a SLURM process did. sacctmgr answers "Nothing new added." / "Nothing modified" / "Nothing deleted" with
 * exit code 1 when the state already is what was asked (measured on SLURM 22.05.8): that is {@link Status#ALREADY}, not a
 * failure — callers check existence first, because a modify of a missing account prints the same text.
 */
public record SlurmResult(Status status, int exitCode, String stdout, String stderr) {

    public enum Status { OK, ALREADY, FAILED, DRY_RUN }

    public boolean succeeded() {
        return status != Status.FAILED;
    }

    public static SlurmResult of(int exitCode, String stdout, String stderr) {
        String out = stdout == null ? "" : stripSshNoise(stdout);
        String err = stderr == null ? "" : stderr;
        if (exitCode == 0) {
            return new SlurmResult(Status.OK, 0, out, err);
        }
        String all = out + "\n" + err;
        if (exitCode == 1 && (all.contains("Nothing new added") || all.contains("Nothing modified")
                || all.contains("Nothing deleted"))) {
            return new SlurmResult(Status.ALREADY, exitCode, out, err);
        }
        return new SlurmResult(Status.FAILED, exitCode, out, err);
    }

    public static SlurmResult dryRun() {
        return new SlurmResult(Status.DRY_RUN, 0, "", "");
    }

    /** The SLURM message for an order's error: stderr and stdout, whitespace folded, bounded in length. */
    public String message() {
        String text = (stderr + " " + stdout).replaceAll("\\s+", " ").trim();
        if (exitCode == 143) {
            text = "timed out (killed after the configured SLURM command timeout) " + text;
        }
        if (text.isEmpty()) {
            text = "exit code " + exitCode;
        }
        return text.length() > 1000 ? text.substring(0, 1000) + "…" : text;
    }

    /** Jobs still running or completing block a removal; that is worth another try next cycle, not an error. */
    public boolean jobsActive() {
        return status == Status.FAILED && (stdout + stderr).contains("Job(s) active");
    }

    private static String stripSshNoise(String s) {
        return s.startsWith("Warning: Permanently added") ? s.substring(Math.max(s.indexOf('\n') + 1, 0)) : s;
    }
}
