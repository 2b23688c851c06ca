package org.waldur.agent.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Submitting and waiting for real jobs in the sandbox, as a given Linux user. */
final class Jobs {
    private Jobs() {
    }

    /** sbatch --parsable as {@code user} under {@code account}; returns the job id. Fails the test if refused. */
    static String submit(String user, String account, String... args) {
        RealSlurm.Result r = trySubmit(user, account, args);
        if (r.rc() != 0) {
            throw new AssertionError("sbatch refused: " + r.out());
        }
        return r.out().strip();
    }

    static RealSlurm.Result trySubmit(String user, String account, String... args) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", "sbatch", "--parsable", "--chdir=/tmp",
                "-o", "/dev/null", "-t", "5", "-A", account));
        argv.addAll(Arrays.asList(args));
        return RealSlurm.run(argv, null);
    }

    /** The job's sacct row once slurmdbd has the whole record (ReqTRES arrives a moment after the state). */
    static String accountingRow(String id, String format) throws InterruptedException {
        String row = "";
        for (int i = 0; i < 100; i++) {
            row = RealSlurm.run(List.of("sacct", "-X", "-n", "-P", "-j", id, "--format=" + format), null).out().strip();
            if (!row.endsWith("|") && !row.isEmpty()) {
                return row;
            }
            Thread.sleep(200);
        }
        return row;
    }

    static void waitFinished(String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String state = RealSlurm.run(List.of("sacct", "-X", "-n", "-P", "-j", id, "--format=State"), null).out().strip();
            if (state.startsWith("COMPLETED") || state.startsWith("FAILED") || state.startsWith("CANCELLED") || state.startsWith("TIMEOUT")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not finish");
    }
}
