package org.waldur.agent.slurm;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A camel-exec executor whose stdout goes to a temporary file instead of a byte array, handed on as a stream
 * that deletes the file when closed. sacct output for a large site runs to millions of lines; with this, the
 * report reads it in constant memory ({@code exec:sacct?commandExecutor=#fileBackedExec}). Same contract as the
 * default executor: argv without a shell, stdin from the message body, exit 143 after the timeout.
 */
public final class FileBackedExecutor implements ExecCommandExecutor {

    @Override
    public ExecResult execute(ExecCommand command) throws ExecException {
        List<String> argv = new ArrayList<>();
        argv.add(command.getExecutable());
        argv.addAll(command.getArgs());
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("slurm-out", ".txt");
            err = Files.createTempFile("slurm-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (command.getWorkingDir() != null) {
                pb.directory(new java.io.File(command.getWorkingDir()));
            }
            Process p = pb.start();
            try (OutputStream stdin = p.getOutputStream()) {
                InputStream in = command.getInput();
                if (in != null) {
                    in.transferTo(stdin);
                }
            }
            long timeout = command.getTimeout() > 0 ? command.getTimeout() : Long.MAX_VALUE;
            int exit;
            if (p.waitFor(timeout, TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.destroyForcibly().waitFor();
                exit = 143;
            }
            return new ExecResult(command, Files.newInputStream(out, StandardOpenOption.DELETE_ON_CLOSE),
                    Files.newInputStream(err, StandardOpenOption.DELETE_ON_CLOSE), exit);
        } catch (IOException e) {
            delete(out);
            delete(err);
            throw new ExecException("Unable to execute command " + command, null, null, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delete(out);
            delete(err);
            throw new ExecException("Interrupted while running " + command, null, null, -1, e);
        }
    }

    private static void delete(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
