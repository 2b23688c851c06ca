package org.waldur.agent.slurm;

import java.util.List;

/**
 * One prepared SLURM process: the full argv (command prefix, binary, global flags, arguments — one token per
 * element, never a shell), whether it changes SLURM (dry-run skips those), optional stdin, and whether its
 * stdout may be too large for memory: then routes/slurm.camel.yaml runs it with the {@link FileBackedExecutor} and
 * answers a {@link StreamedResult} instead of a {@link SlurmResult}.
 */
public record SlurmCommand(List<String> argv, boolean mutating, String stdin, boolean streamedOutput) {

    public SlurmCommand {
        argv = List.copyOf(argv);
    }

    public SlurmCommand(List<String> argv, boolean mutating, String stdin) {
        this(argv, mutating, stdin, false);
    }

    /** The same command, its stdout read as a stream over a temporary file (sacct of a whole site, a month). */
    public SlurmCommand withStreamedOutput() {
        return new SlurmCommand(argv, mutating, stdin, true);
    }

    public String executable() {
        return argv.get(0);
    }

    public List<String> args() {
        return argv.subList(1, argv.size());
    }

    /** The command line as a person would read it (for logs; it holds no secrets). */
    @Override
    public String toString() {
        return String.join(" ", argv) + (stdin != null ? " <<" + stdin.lines().count() + " lines" : "");
    }
}
