package org.waldur.agent.slurm;

import java.util.List;

/**
 * One prepared SLURM process: the full argv (command prefix, binary, global flags, arguments — one token per
 * element, never a shell), whether it changes SLURM (dry-run skips those), and optional stdin.
 */
public record SlurmCommand(List<String> argv, boolean mutating, String stdin) {

    public SlurmCommand {
        argv = List.copyOf(argv);
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
