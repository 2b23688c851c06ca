package org.waldur.agent.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real SLURM of examples/slurm-sandbox, as the integration suites see it: checked with the real
 * sacctmgr/sacct, never with the agent's own view. Suites call {@link #require()} first; without a SLURM that
 * answers they are skipped with a message saying how to start one — except in CI ({@code CI=true}), where the
 * sandbox must be there, so they fail: a green CI then always holds real-SLURM coverage.
 */
public final class RealSlurm {
    public static final String CLUSTER = "sandbox";
    private static Boolean available;

    private RealSlurm() {
    }

    public static void require() {
        if (available == null) {
            try {
                available = run(List.of("sacctmgr", "-n", "-P", "list", "cluster", "format=cluster"), null).out.contains(CLUSTER);
            } catch (RuntimeException e) {
                available = false;
            }
        }
        if (!available && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true but no SLURM answers (sacctmgr list cluster): the real-SLURM suites must "
                    + "run in CI; start the sandbox as root with examples/slurm-sandbox/start.sh");
        }
        Assumptions.assumeTrue(available, "no SLURM answers (sacctmgr list cluster): the real-SLURM suite is skipped. "
                + "Start one as root with examples/slurm-sandbox/start.sh to run it.");
    }

    public record Result(int rc, String out) {
    }

    public static Result run(List<String> argv, String stdin) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + argv);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String sacctmgr(String... args) {
        List<String> argv = new ArrayList<>(List.of("sacctmgr", "-n", "-P", "-i"));
        argv.addAll(Arrays.asList(args));
        return run(argv, null).out;
    }

    /** Account → "parent|GrpTRESMins|QOS" and its users, from SLURM itself. */
    public static Map<String, Assoc> associations() {
        Map<String, Assoc> out = new LinkedHashMap<>();
        for (String line : sacctmgr("show", "association", "format=Account,ParentName,User,GrpTRESMins,QOS", "cluster=" + CLUSTER).split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 5 || f[0].isEmpty()) {
                continue;
            }
            Assoc a = out.computeIfAbsent(f[0], Assoc::new);
            if (f[2].isEmpty()) {
                a.parent = f[1];
                a.limits = f[3];
                a.qos = f[4];
            } else {
                a.users.add(f[2]);
            }
        }
        return out;
    }

    public static final class Assoc {
        public final String name;
        public String parent = "";
        public String limits = "";
        public String qos = "";
        public final List<String> users = new ArrayList<>();

        Assoc(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name + "(parent=" + parent + ", limits=" + limits + ", users=" + users + ")";
        }
    }

    /** Removes every account whose name starts with one of the prefixes (deepest first), and their users. */
    public static void removeAccounts(String... prefixes) {
        for (int round = 0; round < 3; round++) {
            List<String> names = new ArrayList<>();
            for (String line : sacctmgr("list", "account", "format=Account").split("\n")) {
                for (String p : prefixes) {
                    if (!line.isBlank() && line.strip().startsWith(p)) {
                        names.add(line.strip());
                    }
                }
            }
            if (names.isEmpty()) {
                return;
            }
            run(List.of("scancel", "-A", String.join(",", names)), null);
            // one removal for all; where SLURM refuses (a user's DefaultAccount together with their other
            // associations, FINDINGS §9/§18), each account alone, and each association alone only if that is refused too
            for (List<String> chunk : org.waldur.agent.slurm.SlurmCommands.chunks(names)) {
                sacctmgr("remove", "account", "where", "name=" + String.join(",", chunk));
            }
            Map<String, Assoc> left = associations();
            for (String n : names) {
                Assoc a = left.get(n);
                if (a == null || !sacctmgr("remove", "account", "where", "name=" + n).contains("default account of a user")) {
                    continue;
                }
                for (String user : a.users) {
                    sacctmgr("remove", "user", "where", "name=" + user, "and", "account=" + n);
                }
                sacctmgr("remove", "account", "where", "name=" + n);
            }
        }
    }

    /**
     * A directory of wrappers around the real SLURM tools that append every invocation to {@code log} and then
     * exec the real binary: how the suites count SLURM processes per cycle. With {@code failLoadWith} set, a
     * {@code sacctmgr load} whose input contains that text fails as a broken line would (rc 1, nothing applied),
     * to exercise the batch fallback; everything else reaches the real SLURM.
     */
    public static Path countingBinDir(Path dir, Path log, String failLoadWith) throws IOException {
        Files.createDirectories(dir);
        for (String tool : List.of("sacctmgr", "sacct", "squeue", "scancel")) {
            String script = "#!/bin/bash\n"
                    + "echo \"" + tool + " $*\" >> '" + log + "'\n"
                    + (tool.equals("sacctmgr") ? ""
                    + "if [[ \" $* \" == *\" load \"* ]]; then\n"
                    + "  input=$(cat)\n"
                    + (failLoadWith == null ? "" : "  if [[ \"$input\" == *'" + failLoadWith + "'* ]]; then echo ' Problem with requests: injected bad line'; exit 1; fi\n")
                    + "  printf '%s\\n' \"$input\" | exec /usr/bin/sacctmgr \"$@\"\n"
                    + "fi\n" : "")
                    + "exec /usr/bin/" + tool + " \"$@\"\n";
            Path f = dir.resolve(tool);
            Files.writeString(f, script);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    public static List<String> logLines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
