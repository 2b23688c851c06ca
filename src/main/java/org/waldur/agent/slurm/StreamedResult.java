package org.waldur.agent.slurm;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a command with {@link SlurmCommand#streamedOutput()} answered: exit status and stderr as a
 * {@link SlurmResult} (its stdout left empty), and stdout as a stream over a temporary file that is deleted when
 * the stream is closed. The reader closes it.
 */
public record StreamedResult(SlurmResult result, InputStream stdout) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        stdout.close();
    }
}
