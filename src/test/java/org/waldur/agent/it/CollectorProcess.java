package org.waldur.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code bin/waldur-camel-agent auditor-slurm-collector CONFIG} of the built distribution, as a site runs it. */
final class CollectorProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private CollectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CollectorProcess start(Path config, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("collector", ".log");
        Process p = AgentProcess.builder(log, env, "auditor-slurm-collector", config.toString()).start();
        return new CollectorProcess(p, log);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Until the collector says it is collecting (its routes run), or it died, or the timeout passed. */
    boolean awaitStarted(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end && process.isAlive()) {
            if (output().contains("collecting for")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** SIGKILL: no shutdown hook, no last write. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as systemd stops a service; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the collector did not stop on SIGTERM within 60 s:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The suite needs SLURM; in CI (CI=true) its absence is a failure, elsewhere the suite is skipped. */
    static void requireSlurm() {
        if ("true".equals(System.getenv("CI"))) {
            RealSlurm.Result r;
            try {
                r = RealSlurm.run(java.util.List.of("sacctmgr", "-n", "-P", "list", "cluster", "format=cluster"), null);
            } catch (RuntimeException e) {
                throw new AssertionError("CI=true but no SLURM answers: " + e.getMessage());
            }
            if (!r.out().contains(RealSlurm.CLUSTER)) {
                throw new AssertionError("CI=true but no SLURM cluster " + RealSlurm.CLUSTER + ": " + r.out());
            }
        }
        RealSlurm.require();
    }
}
