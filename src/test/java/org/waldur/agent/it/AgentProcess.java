package org.waldur.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built distribution (target/dist/waldur-camel-agent) run as an operator runs it: bin/waldur-camel-agent. */
public final class AgentProcess {
    private AgentProcess() {
    }

    public static Path home() {
        Path dist = Path.of(System.getProperty("agent.dist", "target/dist/waldur-camel-agent"));
        if (!Files.isExecutable(dist.resolve("bin/waldur-camel-agent"))) {
            throw new IllegalStateException("the distribution is not built: run mvn package (looked in " + dist + ")");
        }
        return dist;
    }

    public static ProcessBuilder builder(Path log, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(home().resolve("bin/waldur-camel-agent").toString());
        argv.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb;
    }

    public record Run(int rc, String output, long millis) {
    }

    /** Runs to the end (e.g. with --once) and returns the exit code and everything it printed. */
    public static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("agent", ".log");
        long t0 = System.nanoTime();
        Process p = builder(log, env, args).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("agent did not finish: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log), (System.nanoTime() - t0) / 1_000_000);
    }
}
