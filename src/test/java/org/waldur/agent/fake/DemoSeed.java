package org.waldur.agent.fake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Standalone fake Waldur for demos: {@code --port N} (default 8081), {@code --token T} (default a fixed demo
 * token), {@code --seed demo}, {@code --state-dump} (print the final state as JSON on stdout at shutdown).
 * Prints {@code WALDUR_API_URL=…}, {@code WALDUR_API_TOKEN=…}, {@code WALDUR_OFFERING_UUID=…} on stdout and serves
 * until killed. {@code GET /__fake/state} (no auth) returns orders, resources and usages as JSON;
 * {@code GET /__fake/violations} the recorded contract violations.
 *
 * <pre>
 * mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/test-cp.txt)" org.waldur.agent.fake.FakeWaldur --seed demo
 * </pre>
 */
final class DemoSeed {
    static final String DEMO_TOKEN = "deadbeefcafe0123456789abcdef0123456789ab";

    private DemoSeed() {
    }

    static void main(String[] args) {
        int port = 8081;
        String token = DEMO_TOKEN;
        String seed = null;
        boolean dump = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--token" -> token = args[++i];
                case "--seed" -> seed = args[++i];
                case "--state-dump" -> dump = true;
                case "-h", "--help" -> {
                    System.out.println("usage: FakeWaldur [--port 8081] [--token HEX40] [--seed demo] [--state-dump]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        if (seed != null && !"demo".equals(seed)) {
            throw new IllegalArgumentException("unknown seed '" + seed + "' (only 'demo')");
        }
        FakeWaldur fake = FakeWaldur.start(token, port);
        String offering = seed == null ? null : seedDemo(fake);
        System.out.println("WALDUR_API_URL=" + fake.apiUrl());
        System.out.println("WALDUR_API_TOKEN=" + token);
        if (offering != null) {
            System.out.println("WALDUR_OFFERING_UUID=" + offering);
        }
        System.out.flush();
        System.err.println("fake Waldur serving " + fake.apiUrl() + " (state: http://127.0.0.1:" + fake.port()
                + "/__fake/state); Ctrl-C to stop");
        boolean printState = dump;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (printState) {
                System.out.println(Json.write(fake.stateDump()));
            }
            List<String> v = fake.violations();
            if (!v.isEmpty()) {
                System.err.println("fake Waldur: " + v.size() + " contract violation(s):\n  - " + String.join("\n  - ", v));
            }
            fake.close();
        }));
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Organisation uni-tartu with projects climate-2024 and genomics; one SLURM offering (cpu, mem usage-based,
     * gres/gpu limit-based); two Create orders pending provider; resource hpc_old-alloc (OK) with a pending Update
     * order; resource hpc_retired-alloc (OK) with a pending Terminate order; team members alice and bob with
     * offering users (OK) and carol without an offering username. Returns the offering uuid.
     */
    static String seedDemo(FakeWaldur f) {
        String customer = f.addCustomer("University of Tartu", "uni-tartu");
        String climate = f.addProject(customer, "Climate 2024", "climate-2024");
        String genomics = f.addProject(customer, "Genomics", "genomics");
        String offering = f.addOffering("SLURM HPC cluster", List.of(
                new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
                new FakeWaldur.Component("mem", "Memory", "usage", "gb-Hours", 61440),
                new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), new LinkedHashMap<>());
        f.setOfferingBackendId(offering, "hpc");

        String sim = f.addResource(offering, climate, "climate-sim", "climate-sim", "Creating", null,
                limits(100, 200, 10));
        f.addOrder(offering, sim, "Create", "pending-provider", limits(100, 200, 10));
        String genome = f.addResource(offering, genomics, "genome-assembly", "genome-assembly", "Creating", null,
                limits(50, 100, 0));
        f.addOrder(offering, genome, "Create", "pending-provider", limits(50, 100, 0));

        String old = f.addResource(offering, climate, "old-alloc", "old-alloc", "OK", "hpc_old-alloc",
                limits(10, 20, 1));
        f.addOrder(offering, old, "Update", "pending-provider", limits(20, 40, 2));
        String retired = f.addResource(offering, genomics, "retired-alloc", "retired-alloc", "OK",
                "hpc_retired-alloc", limits(5, 5, 0));
        f.addOrder(offering, retired, "Terminate", "pending-provider", Map.of());

        String alice = f.addUser("alice", "Alice Tamm");
        String bob = f.addUser("bob", "Bob Kask");
        String carol = f.addUser("carol", "Carol Saar");
        f.addTeamMember(climate, alice, "PROJECT.MANAGER");
        f.addTeamMember(climate, bob, "PROJECT.MEMBER");
        f.addTeamMember(climate, carol, "PROJECT.MEMBER");
        f.addTeamMember(genomics, bob, "PROJECT.MANAGER");
        f.addOfferingUser(offering, alice, "alice", "OK");
        f.addOfferingUser(offering, bob, "bob", "OK");
        return offering;
    }

    private static Map<String, Integer> limits(int cpu, int mem, int gpu) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("mem", mem);
        m.put("gres/gpu", gpu);
        return m;
    }
}
