package org.waldur.agent.it;

import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.ConfigYaml;
import org.waldur.agent.support.FakeSlurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One agent cycle as a user runs it, timed — a bench, not a test (timings on a shared machine are no pass/fail).
 * Each run starts the built distribution's launcher as its own process, {@code bin/waldur-camel-agent --once -m MODE}
 * with the launcher's default flags (or {@code JAVA_OPTS} from the environment), against a fresh fake Waldur that
 * answers every request after an injected latency, and SLURM = the emulator ({@link EmulatedSlurmBin}) or the
 * real sandbox. Scenarios: {@code orders} — a burst of N Create orders (pending-provider, one project each, two
 * team members); {@code report} — N resources with an account, two reporting months; {@code membership} — N
 * resources, two team members each to add. Per run it prints the Waldur requests per item, the wall time from
 * process start to exit (JVM start included), the time from process start to the first Waldur request (the
 * fake's arrival time), the agent's peak RSS ({@code VmHWM} of /proc/PID/status) and CPU time (in all and until
 * the first request; both sampled every 20 ms), the load average, and what was verified (orders done,
 * associations present); then the median of each figure.
 *
 * <pre>
 * bash examples/bench/agent-cycles.sh                          # orders 100, report 200, membership 20; 3 runs each
 * bash examples/bench/agent-cycles.sh --orders 10 --report 0 --membership 0 --runs 1 --latency-ms 100
 * bash examples/bench/agent-cycles.sh --slurm real             # the real sandbox, under flock /tmp/slurm-it.lock
 * JAVA_OPTS="-XX:+UseSerialGC -Xmx256m" bash examples/bench/agent-cycles.sh   # other JVM flags for the agent
 * </pre>
 * The script builds the distribution and the test classpath, then runs this class; {@code BENCH_KEEP_LOGS=1} keeps
 * every run's agent log (a failed run's is always kept), {@code AGENT_DIST=DIR} benches another distribution directory.
 * Real mode uses accounts {@code bnc_*}, {@code bnp_*}, {@code bna_*} and users alice and bob, and removes the
 * accounts before and after each run.
 */
public final class AgentCycleBench {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    private static final String[] PREFIXES = {"bna_", "bnp_", "bnc_"};
    private static final List<String> MEMBERS = List.of("alice", "bob");

    private record Run(String scenario, int n, int rc, long requests, long wallMs, long firstRequestMs, long rssKb,
                       long cpuMs, long cpuToFirstMs, String load, String verified) {
    }

    private AgentCycleBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> sizes = new LinkedHashMap<>(Map.of());
        sizes.put("orders", 100);
        sizes.put("report", 200);
        sizes.put("membership", 20);
        long latency = 30;
        int runs = 3;
        boolean real = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--orders", "--report", "--membership" -> sizes.put(args[i].substring(2), Integer.parseInt(args[++i]));
                case "--latency-ms" -> latency = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--slurm" -> real = switch (args[++i]) {
                    case "real" -> true;
                    case "emulator" -> false;
                    default -> throw new IllegalArgumentException("--slurm emulator|real");
                };
                default -> {
                    System.err.println("usage: AgentCycleBench [--orders 100] [--report 200] [--membership 20] "
                            + "[--latency-ms 30] [--runs 3] [--slurm emulator|real]");
                    System.exit(2);
                }
            }
        }
        if (real) {
            RealSlurm.require();
        }
        String javaOpts = System.getenv("JAVA_OPTS");
        System.out.printf("agent: %s, JAVA_OPTS=%s; Waldur latency %d ms per request; SLURM %s; %d run(s) each; %d cores%n",
                AgentProcess.home(), javaOpts == null ? "(launcher default)" : javaOpts, latency,
                real ? "real sandbox" : "emulator", runs, Runtime.getRuntime().availableProcessors());
        List<Run> all = new ArrayList<>();
        for (Map.Entry<String, Integer> s : sizes.entrySet()) {
            if (s.getValue() <= 0) {
                continue;
            }
            for (int r = 0; r < runs; r++) {
                Run run = once(s.getKey(), s.getValue(), latency, real);
                all.add(run);
                System.out.printf("%-10s N=%-4d run %d: rc %d, %5d requests (%.2f/item), wall %5d ms, first request %4d ms, "
                                + "peak RSS %3d MB, agent CPU %5d ms (%4d ms to first request), load %s, %s%n", run.scenario,
                        run.n, r + 1, run.rc, run.requests, (double) run.requests / run.n, run.wallMs, run.firstRequestMs,
                        run.rssKb / 1024, run.cpuMs, run.cpuToFirstMs, run.load, run.verified);
            }
        }
        System.out.println("\nmedians (" + (real ? "real SLURM" : "SLURM emulator") + ", " + latency + " ms per Waldur request):");
        System.out.println("| scenario | N | requests/item | wall (JVM start incl.) | first request | peak RSS | agent CPU "
                + "(to first request) | load avg |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        all.stream().collect(Collectors.groupingBy(Run::scenario, LinkedHashMap::new, Collectors.toList())).forEach((name, rs) ->
                System.out.printf("| %s | %d | %.2f | %.1f s | %.2f s | %d MB | %.1f s (%.1f s) | %s |%n", name, rs.get(0).n,
                        median(rs, r -> r.requests) / (double) rs.get(0).n, median(rs, Run::wallMs) / 1000.0,
                        median(rs, Run::firstRequestMs) / 1000.0, median(rs, Run::rssKb) / 1024, median(rs, Run::cpuMs) / 1000.0,
                        median(rs, Run::cpuToFirstMs) / 1000.0,
                        rs.stream().map(Run::load).collect(Collectors.joining(" "))));
        if (all.stream().anyMatch(r -> r.rc != 0 || !r.verified.startsWith("verified"))) {
            System.out.println("SOME RUNS FAILED OR WERE NOT VERIFIED: see the lines above and the agent logs they name");
            System.exit(1);
        }
    }

    private static long median(List<Run> runs, java.util.function.ToLongFunction<Run> f) {
        long[] v = runs.stream().mapToLong(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static final long SETTLE_MS = 1000;

    private static Run once(String scenario, int n, long latency, boolean real) throws Exception {
        Path work = Files.createTempDirectory("agent-bench-" + scenario);
        if (real) {
            RealSlurm.removeAccounts(PREFIXES);
        }
        try (FakeWaldur waldur = FakeWaldur.start(TOKEN);
             EmulatedSlurmBin emulator = real ? null : new EmulatedSlurmBin(work.resolve("bin"))) {
            String offering = waldur.addOffering("HPC", List.of(
                    new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
                    new FakeWaldur.Component("mem", "RAM", "usage", "gb-Hours", 61440),
                    new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), Map.of());
            List<String> userUuids = new ArrayList<>();
            for (String u : MEMBERS) {
                String uuid = waldur.addUser(u, u);
                waldur.addOfferingUser(offering, uuid, u, "OK");
                userUuids.add(uuid);
            }
            String customer = waldur.addCustomer("University", "uni");
            List<String> items = new ArrayList<>();
            StringBuilder accounts = new StringBuilder("Cluster - 'sandbox'\nParent - 'root'\n");
            for (int i = 0; i < n; i++) {
                String project = waldur.addProject(customer, "P" + i, "p" + i);
                userUuids.forEach(u -> waldur.addTeamMember(project, u, "member"));
                if (scenario.equals("orders")) {
                    String r = waldur.addResource(offering, project, "R" + i, "r" + i, "Creating", null, Map.of("gres/gpu", 2));
                    items.add(waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 2)));
                } else {
                    String account = "bna_r" + i;
                    items.add(account);
                    waldur.addResource(offering, project, "R" + i, "r" + i, "OK", account, Map.of());
                    accounts.append("Account - '").append(account).append("':Description='r").append(i)
                            .append("':Organization='").append(account).append("'\n");
                    if (emulator != null) {
                        emulator.slurm.accounts.put(account, new FakeSlurm.Acct());
                        emulator.slurm.accounts.get(account).parent = "root";
                    }
                }
            }
            if (real && !scenario.equals("orders")) {
                RealSlurm.Result loaded = RealSlurm.run(List.of("sacctmgr", "-i", "load", "file=/dev/stdin"), accounts.toString());
                if (loaded.rc() != 0) {
                    throw new IllegalStateException("cannot create the bench accounts: " + loaded.out());
                }
            }
            if (latency > 0) {
                waldur.delayMatching("*", ".*", latency);
            }
            Path config = config(work, waldur.apiUrl(), offering, real ? "/usr/bin" : emulator.dir.toString());
            Path log = work.resolve("agent.log");
            String mode = Map.of("orders", "order_process", "report", "report", "membership", "membership_sync").get(scenario);
            // The bench's own set-up (the fake's state, its compiled code, its garbage) settles before the agent
            // starts: on two cores the bench JVM's JIT and GC threads would otherwise compete with the agent's
            // start, which is what the time to the first request measures (a real Waldur is another machine).
            System.gc();
            Thread.sleep(SETTLE_MS);
            String load = loadAverage();
            long t0 = System.nanoTime();
            Process p = AgentProcess.builder(log, Map.of(), "--once", "-m", mode, "-c", config.toString()).start();
            AtomicLong peak = new AtomicLong();
            AtomicLong cpu = new AtomicLong();
            AtomicLong cpuToFirst = new AtomicLong(-1);
            Thread sampler = new Thread(() -> sample(p, peak, cpu, () -> {
                if (cpuToFirst.get() < 0 && waldur.firstRequestNanos() >= 0) {
                    cpuToFirst.set(cpu.get());
                }
            }), "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("agent did not finish in 600 s; log: " + log);
            }
            long wall = (System.nanoTime() - t0) / 1_000_000;
            sampler.join(1000);
            long first = waldur.firstRequestNanos();
            String verified = verify(scenario, items, waldur, emulator, real) + (waldur.violations().isEmpty() ? ""
                    : "; " + waldur.violations().size() + " API contract violations");
            Run run = new Run(scenario, n, p.exitValue(), waldur.requests().size(), wall,
                    first < 0 ? -1 : (first - t0) / 1_000_000, peak.get(), cpu.get(), cpuToFirst.get(), load, verified + (p.exitValue() != 0 ? "; log " + log : ""));
            if (p.exitValue() == 0 && verified.startsWith("verified") && System.getenv("BENCH_KEEP_LOGS") == null) {
                deleteTree(work);
            } else {
                System.out.println("agent log: " + log);
            }
            return run;
        } finally {
            if (real) {
                RealSlurm.removeAccounts(PREFIXES);
            }
        }
    }

    private static Path config(Path work, String apiUrl, String offering, String binPath) throws IOException {
        String settings = """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "bnc_"
                  project_prefix: "bnp_"
                  allocation_prefix: "bna_"
                  cluster_name: "sandbox"
                  slurm_bin_path: "%s"
                  enable_user_homedir_account_creation: false
                  qos_default: "normal"
            """.formatted(binPath);
        Path f = work.resolve("config.yaml");
        Files.writeString(f, "waldur_timezone: \"UTC\"\n" + ConfigYaml.of(apiUrl, TOKEN, offering, settings, ConfigYaml.COMPONENTS));
        return f;
    }

    /** What a user would check after the cycle: the orders done in Waldur, the members' associations in SLURM. */
    private static String verify(String scenario, List<String> items, FakeWaldur waldur, EmulatedSlurmBin emulator, boolean real) {
        return switch (scenario) {
            case "orders" -> {
                long done = items.stream().filter(o -> "done".equals(waldur.order(o).get("state"))).count();
                yield (done == items.size() ? "verified: " : "NOT VERIFIED: ") + done + "/" + items.size() + " orders done";
            }
            case "membership" -> {
                Map<String, List<String>> users = new TreeMap<>();
                if (real) {
                    RealSlurm.associations().forEach((a, assoc) -> users.put(a, assoc.users));
                } else {
                    emulator.slurm.accounts.forEach((a, acc) -> users.put(a, List.copyOf(acc.users)));
                }
                long ok = items.stream().filter(a -> users.getOrDefault(a, List.of()).containsAll(MEMBERS)).count();
                yield (ok == items.size() ? "verified: " : "NOT VERIFIED: ") + ok + "/" + items.size() + " accounts with both members";
            }
            default -> "verified: exit code only (no usage to check)";
        };
    }

    /**
     * Peak resident set of the agent's JVM and the CPU time it used (user + system, the last sample before it
     * exited): the launcher execs java, so the script's pid is the JVM's. CPU time tells a lighter JVM from a
     * quieter machine, which the wall times on a shared one cannot. {@code afterSample} runs after each sample.
     */
    private static void sample(Process p, AtomicLong peakKb, AtomicLong cpuMs, Runnable afterSample) {
        Path status = Path.of("/proc/" + p.pid() + "/status");
        Path stat = Path.of("/proc/" + p.pid() + "/stat");
        while (p.isAlive()) {
            try {
                for (String s : Files.readAllLines(status)) {
                    if (s.startsWith("VmHWM:")) {
                        peakKb.accumulateAndGet(Long.parseLong(s.replaceAll("\\D", "")), Math::max);
                    }
                }
                // fields after the command name: state is the 3rd, utime the 14th, stime the 15th (clock ticks, 100/s)
                String line = Files.readString(stat);
                String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
                cpuMs.set((Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
                afterSample.run();
                Thread.sleep(20);
            } catch (IOException | NumberFormatException e) {
                return; // the process has just exited
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String loadAverage() throws IOException {
        return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 1));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
