package org.waldur.agent.slurm;

/**
 * What a SLURM process did. sacctmgr answers "Nothing new added." / "Nothing modified" / "Nothing deleted" with
 * exit code 1 when the state already is what was asked (slurm.md §5): that is {@link Status#ALREADY} — but only
 * when SLURM said nothing else. A load under an unknown Parent or without a Cluster line prints the same
 * "Nothing new added." next to its error (examples/slurm-sandbox/FINDINGS.md), and a load that read no input
 * (a command prefix that drops stdin) prints it with exit 0: both are failures. Whether a failure is worth
 * another try next cycle is {@link #isTransient()} ({@link SlurmErrors}).
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
        if (exitCode == 1 && onlyNothingToDo(out + "\n" + err)) {
            return new SlurmResult(Status.ALREADY, exitCode, out, err);
        }
        return new SlurmResult(Status.FAILED, exitCode, out, err);
    }

    /**
     * The result of {@code command}: as {@link #of(int, String, String)}, and a {@code sacctmgr load} must show
     * it read its file — SLURM echoes {@code For cluster <name>} for the file's Cluster line; without it the
     * process got no input, whatever its exit code.
     */
    public static SlurmResult of(SlurmCommand command, int exitCode, String stdout, String stderr) {
        SlurmResult r = of(exitCode, stdout, stderr);
        boolean load = command != null && command.stdin() != null && command.stdin().startsWith("Cluster - ");
        if (load && r.status != Status.FAILED && !r.stdout.contains("For cluster")) {
            return new SlurmResult(Status.FAILED, exitCode, r.stdout, "sacctmgr load read no input (a command prefix "
                    + "must pass stdin on, e.g. docker exec -i); SLURM said: " + r.stderr);
        }
        return r;
    }

    /** SLURM could not be reached or did not answer in time: the item waits for the next cycle. */
    public boolean isTransient() {
        return status == Status.FAILED && SlurmErrors.isTransient(exitCode, stdout + "\n" + stderr);
    }

    public static SlurmResult dryRun() {
        return new SlurmResult(Status.DRY_RUN, 0, "", "");
    }

    /** The SLURM message for an order's error: stderr and stdout, whitespace folded, bounded in length. */
    public String message() {
        String text = (stderr + " " + stdout).replaceAll("\\s+", " ").trim();
        if (exitCode == SlurmErrors.KILLED_AT_TIMEOUT) {
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

    /** Every line is blank, "For cluster x" or one of the "Nothing …" answers: SLURM reported no error. */
    private static boolean onlyNothingToDo(String text) {
        boolean nothing = false;
        for (String line : text.lines().map(String::strip).toList()) {
            if (line.matches("Nothing (new added|modified|deleted)\\.?")) {
                nothing = true;
            } else if (!line.isEmpty() && !line.startsWith("For cluster ")) {
                return false;
            }
        }
        return nothing;
    }

    private static String stripSshNoise(String s) {
        return s.startsWith("Warning: Permanently added") ? s.substring(Math.max(s.indexOf('\n') + 1, 0)) : s;
    }
}
