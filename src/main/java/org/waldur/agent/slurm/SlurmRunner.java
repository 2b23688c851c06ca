package org.waldur.agent.slurm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link SlurmCommand} outside Camel, for the one-shot operator commands (diagnostics) that have no route:
 * the same argv (never a shell), stdin and {@link SlurmResult} as the routes' camel-exec, with a time limit.
 */
@FunctionalInterface
public interface SlurmRunner {
    SlurmResult run(SlurmCommand command);

    /** A child process per command; one that outlives {@code timeoutSeconds} is killed and reported as failed. */
    static SlurmRunner processes(long timeoutSeconds) {
        return cmd -> {
            Process p;
            try {
                p = new ProcessBuilder(cmd.argv()).start();
            } catch (IOException e) {
                return new SlurmResult(SlurmResult.Status.FAILED, 127, "",
                        "command not found or not executable: " + cmd.executable() + " (" + e.getMessage() + ")");
            }
            try (OutputStream in = p.getOutputStream()) {
                if (cmd.stdin() != null) {
                    in.write(cmd.stdin().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process may exit without reading its stdin
            }
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new SlurmResult(SlurmResult.Status.FAILED, 143, "", "timed out after " + timeoutSeconds + " s");
                }
                return SlurmResult.of(p.exitValue(), out.join(), err.join());
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return new SlurmResult(SlurmResult.Status.FAILED, 130, "", "interrupted");
            }
        };
    }

    private static String read(java.io.InputStream s) {
        try {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
