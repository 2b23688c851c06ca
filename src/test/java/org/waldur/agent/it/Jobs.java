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
