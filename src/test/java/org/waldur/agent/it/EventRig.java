package org.waldur.agent.it;

import org.waldur.agent.auditor.apel.TestCa;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;
import org.waldur.agent.support.ConfigYaml;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * event_process as an operator runs it: the distribution with {@code -m event_process}, the real SLURM of
 * examples/slurm-sandbox, the real RabbitMQ of examples/rabbitmq-sandbox, and a fake Waldur in this JVM that
 * provisions that broker and publishes its events. Accounts carry this rig's own prefixes (ev*_).
 */
final class EventRig implements AutoCloseable {
    static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    static final String[] PREFIXES = {"eva_", "evp_", "evc_"};
    final WaldurBroker broker;
    final FakeWaldur waldur;
    final String offering;
    final String project;
    final Path work;
    final Path config;
    private static final int WEB_STOMP_PORT = 15674;
    private final Map<String, String> env = new HashMap<>();
    private final List<TlsFront> fronts = new ArrayList<>();
    private Process agent;
    private Path log;

    /** More backend_settings lines (indented as the others), and whether the offering has stomp_enabled. */
    private final String extraSettings;
    private final boolean stompEnabled;
    /** The agent's -m argument. */
    String modes = "event_process";

    EventRig() throws IOException {
        this("", true);
    }

    EventRig(String extraSettings, boolean stompEnabled) throws IOException {
        this.extraSettings = extraSettings;
        this.stompEnabled = stompEnabled;
        broker = WaldurBroker.require();
        RealSlurm.require();
        RealSlurm.removeAccounts(PREFIXES);
        waldur = FakeWaldur.start(TOKEN).attachBroker(broker);
        offering = waldur.addOffering("HPC", List.of(
                new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
                new FakeWaldur.Component("mem", "RAM", "usage", "gb-Hours", 61440),
                new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), Map.of());
        project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        work = Files.createTempDirectory("agent-events");
        config = work.resolve("config.yaml");
        writeConfig(waldur.apiUrl(), "127.0.0.1", WEB_STOMP_PORT, false);
    }

    private void writeConfig(String apiUrl, String stompHost, int stompPort, boolean tls) throws IOException {
        String settings = """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "evc_"
                  project_prefix: "evp_"
                  allocation_prefix: "eva_"
                  cluster_name: "sandbox"
                  enable_user_homedir_account_creation: false
                  qos_default: "normal"
                  qos_paused: "paused"
            """ + extraSettings;
        String keys = """
                    stomp_enabled: %b
                    stomp_ws_host: "%s"
                    stomp_ws_port: %d
                    stomp_ws_path: "/ws"
                    websocket_use_tls: %b
                """.formatted(stompEnabled, stompHost, stompPort, tls);
        Files.writeString(config, ConfigYaml.of(apiUrl, TOKEN, offering, settings, ConfigYaml.COMPONENTS, keys));
    }

    /**
     * The API and Web-STOMP behind TLS fronts for {@code localhost} whose certificates {@code apiCa} and
     * {@code stompCa} signed; the agent verifies (verify_ssl defaults to true) and trusts {@code trusted}'s CA the
     * one way an operator makes the JVM trust a private CA for the API: {@code -Djavax.net.ssl.trustStore} in
     * JAVA_OPTS. Nothing else tells the event streams about it.
     */
    void behindTls(TestCa apiCa, TestCa stompCa, TestCa trusted) throws Exception {
        TlsFront api = new TlsFront(apiCa.hostKeyStore("localhost"), URI.create(waldur.apiUrl()).getPort());
        TlsFront stomp = new TlsFront(stompCa.hostKeyStore("localhost"), WEB_STOMP_PORT);
        fronts.add(api);
        fronts.add(stomp);
        writeConfig("https://localhost:" + api.port() + URI.create(waldur.apiUrl()).getPath(), "localhost", stomp.port(), true);
        env.put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -Djavax.net.ssl.trustStore="
                + trusted.trustStore("trusted") + " -Djavax.net.ssl.trustStorePassword=" + new String(TestCa.STORE_PASSWORD));
    }

    /** Starts the agent and waits until its six streams are connected and their catch-up passes are done. */
    void startAgent() throws Exception {
        launchAgent();
        waitFor(() -> count("event stream connected") >= 6, 120_000, "6 event streams connected (order, user_role, resource, offering_user, service_account, course_account)");
        waitFor(() -> count("membership sync of HPC") >= 1 && count("orders pass") >= 1, 120_000, "catch-up passes");
    }

    /** Starts the agent without waiting for anything. */
    void launchAgent() throws IOException {
        log = Files.createTempFile(work, "agent", ".log");
        agent = AgentProcess.builder(log, env, "-m", modes, "-c", config.toString()).start();
    }

    /** SIGKILL: no shutdown hook, no DISCONNECT, no ACK of anything in flight. */
    void killAgent() throws InterruptedException {
        agent.destroyForcibly().waitFor();
        agent = null;
    }

    String output() {
        try {
            return log == null ? "" : Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    long count(String text) {
        return output().lines().filter(l -> l.contains(text)).count();
    }

    String order(String slug) {
        String r = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 2));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 2));
    }

    boolean done(String order) {
        return "done".equals(waldur.order(order).get("state"));
    }

    FakeWaldur.EventQueue orderQueue() {
        return waldur.eventQueues().stream().filter(q -> q.type().equals("order")).findFirst().orElseThrow();
    }

    void waitFor(BooleanSupplier cond, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (agent != null && !agent.isAlive()) {
                throw new AssertionError("the agent exited (" + agent.exitValue() + ") while waiting for " + what + ":\n" + output());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; agent output:\n" + output());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (agent != null) {
            agent.destroy();
            agent.waitFor();
        }
        for (FakeWaldur.EventQueue q : waldur.eventQueues()) {
            broker.deleteVhost(q.vhost());
        }
        waldur.close();
        for (TlsFront f : fronts) {
            try {
                f.close();
            } catch (IOException ignored) {
                // a front that cannot close has nothing left to serve
            }
        }
        RealSlurm.removeAccounts(PREFIXES);
    }
}
