package org.waldur.agent.support;

import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.waldur.agent.App;
import org.waldur.agent.CycleTracker;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigResolver;
import org.waldur.agent.config.Mode;
import org.waldur.agent.events.EventHub;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * Boots the real agent (App's package scan, AgentBeans, the real routes/ directory) against a fresh fake Waldur
 * that validates every request against the official OpenAPI schema, with SLURM answered by {@link FakeSlurm} on
 * the mocked exec endpoint. Timers stay off; a test runs a cycle by calling the mode's cycle route.
 */
public abstract class AgentRouteTestSupport extends CamelMainTestSupport {
    public static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    protected final FakeWaldur waldur = FakeWaldur.start(TOKEN);
    protected final FakeSlurm slurm = new FakeSlurm();
    protected final String offering = waldur.addOffering("HPC", List.of(
            new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
            new FakeWaldur.Component("mem", "RAM", "usage", "gb-Hours", 61440),
            new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), Map.of());
    protected final Path configFile = writeConfig();
    /** Handed to Camel in configureContext (called from the superclass constructor), filled once the fakes exist. */
    private Properties overrides;

    protected AgentRouteTestSupport() {
        overrides.put("camel.main.routes-include-pattern", "file:routes/*.yaml");
        overrides.put("agent.waldur.retries", "2");
        overrides.put("agent.waldur.retry-delay-ms", "10");
        overrides.put("agent.waldur.response-timeout-ms", "2000");
        overrides.putAll(extraProperties());
    }

    @Override
    protected Class<?> getMainClass() {
        return App.class;
    }

    /** The offering's backend_settings lines (indented under backend_settings); override to vary them. */
    protected String backendSettings() {
        return """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "hpc_"
                  project_prefix: "hpc_"
                  allocation_prefix: "hpc_"
                  cluster_name: "sandbox"
                  qos_default: "normal"
                  qos_paused: "paused"
                  qos_downscaled: "limited"
                  enable_user_homedir_account_creation: false
            """;
    }

    /** The offering's backend_components lines; override to vary them. */
    protected String backendComponents() {
        return ConfigYaml.COMPONENTS;
    }

    /** The agent's {@code timezone} setting. */
    protected String timezone() {
        return "UTC";

    }

    /** How long {@link #waitFor} waits for something asynchronous (events, streams) before the test fails. */
    protected Duration asyncWait() {
        return Duration.ofSeconds(30);
    }

    protected void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + asyncWait().toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + asyncWait().toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Offering keys that point the agent's STOMP client at the RabbitMQ sandbox's Web-STOMP (examples/rabbitmq-sandbox). */
    protected static final String SANDBOX_WEB_STOMP = """
                stomp_ws_host: "127.0.0.1"
                stomp_ws_port: 15674
                stomp_ws_path: "/ws"
                websocket_use_tls: false
            """;

    protected EventHub eventHub() {
        return context.getRegistry().lookupByNameAndType("eventHub", EventHub.class);
    }

    /**
     * After an event test: the streams stop first (or they would retry against a broker that refuses them), then
     * the vhosts the fake Waldur made on the sandbox broker go.
     */
    protected void dropBrokerState(WaldurBroker broker) {
        eventHub().stop();
        if (broker != null) {
            for (FakeWaldur.EventQueue q : waldur.eventQueues()) {
                broker.deleteVhost(q.vhost());
            }
        }
    }

    /** More keys of the offering, each line indented by 4 spaces; called during construction (use constants). */
    protected String offeringKeys() {
        return "";
    }

    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    /** The config file's text; override to vary more than the backend settings (runs during construction). */
    protected String configYaml() {
        return ConfigYaml.of(waldur.apiUrl(), TOKEN, offering, backendSettings(), backendComponents(), offeringKeys())
                .replace("timezone: \"UTC\"", "timezone: \"" + timezone() + "\"");
    }

    private Path writeConfig() {
        String yaml = configYaml();
        try {
            Path f = Files.createTempFile("agent-config", ".yaml");
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What App binds before Camel starts: the configuration, resolved once, and the cycle tracker. */
    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        AgentConfig config = ConfigResolver.resolve(configFile.toString(), System.getenv());
        registry.bind("agentConfig", config);
        registry.bind("cycles", new CycleTracker(config, EnumSet.noneOf(Mode.class), null));
    }

    @Override
    public void configureContext(CamelContextConfiguration c) {
        super.configureContext(c);
        overrides = new Properties();
        c.withUseOverridePropertiesWithPropertiesComponent(overrides);
        c.withMockEndpointsAndSkip("exec:*");
    }

    /** Runs one cycle of a mode ({@code order-process}, {@code report}, {@code membership-sync}) against {@link #slurm}. */
    protected void cycle(String flow) throws Exception {
        MockEndpoint exec = getMockEndpoint("mock:exec:slurm");
        exec.whenAnyExchangeReceived(slurm);
        runCycle(flow);
    }

    /**
     * Runs one cycle of a flow as its timer would (routes/cycle.camel.yaml), with whatever answers the test put on
     * {@code mock:exec:slurm}; {@code create-homedirs} serves the membership_sync offerings.
     */
    protected void runCycle(String flow) {
        String mode = flow.equals("create-homedirs") ? "membership_sync" : flow.replace('-', '_');
        template.sendBodyAndHeaders("direct:cycle", null, Map.of("flow", flow, "mode", mode));
    }

    @AfterEach
    void closeFakes() {
        waldur.close();
    }

    /** Team member with an OK offering user named {@code username}. */
    protected void member(String project, String username) {
        String user = waldur.addUser(username, username.toUpperCase());
        waldur.addTeamMember(project, user, "member");
        waldur.addOfferingUser(offering, user, username, "OK");
    }
}
