package org.waldur.agent;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.config.ConfigResolver;
import org.waldur.agent.config.LegacyEnvConfig;
import org.waldur.agent.config.Mode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The command line of the reference agent ({@code -m}, {@code -c}) plus {@code --routes}, {@code --once}, {@code --dry-run},
 * and the one-shot {@code create-homedirs} command (the reference's {@code waldur_site_create_homedirs}).
 */
@Command(name = "waldur-camel-agent", mixinStandardHelpOptions = true, versionProvider = App.Version.class,
        description = "Connects a SLURM cluster to Waldur: order_process, report, membership_sync, event_process.")
public final class App implements Callable<Integer> {

    @Option(names = {"-m", "--mode"}, split = ",", paramLabel = "MODE",
            description = "order_process, report, membership_sync, event_process; several comma-separated run in one process "
                    + "(default: from WALDUR_SYNC_DIRECTION, else order_process)")
    List<String> modes = new ArrayList<>();

    @Option(names = {"-c", "--config-file"}, paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            description = "waldur-site-agent-config.yaml (default: that name in the working directory, "
                    + "unless 0.2.x environment variables configure the agent)")
    String configFile;

    @Option(names = "--routes", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "directory of the YAML routes (default: routes/ beside the launcher)")
    Path routes;

    @Option(names = "--once", description = "run one cycle of each selected mode and exit; non-zero if any item failed")
    boolean once;

    @Option(names = "--dry-run", scope = CommandLine.ScopeType.INHERIT,
            description = "log mutating SLURM commands and Waldur writes instead of running them; reads still run")
    boolean dryRun;

    @Option(names = "--management-port", paramLabel = "PORT",
            description = "serve /observe/health and Prometheus /observe/metrics on this port (default: off)")
    Integer managementPort;

    @Option(names = "--reload-routes", description = "reload routes when a file in the routes directory changes (development)")
    boolean reload;

    /** Set by the create-homedirs subcommand: run that one pass instead of the modes. */
    boolean homedirsOnly;

    @Command(name = "create-homedirs", mixinStandardHelpOptions = true,
            description = "Create the missing home directories (mkhomedir_helper) of every member of every resource "
                    + "of the membership_sync offerings once, then exit; non-zero if any failed.")
    int createHomedirs() throws Exception {
        homedirsOnly = true;
        return call();
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new App());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("waldur-camel-agent: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Set<Mode> selected = EnumSet.noneOf(Mode.class);
        AgentConfig config;
        try {
            for (String m : modes) {
                selected.add(Mode.parse(m));
            }
            if (selected.isEmpty()) {
                selected.addAll(LegacyEnvConfig.modes(env));
            }
            if (selected.isEmpty()) {
                selected.add(Mode.ORDER_PROCESS);
            }
            config = ConfigResolver.resolve(configFile, env);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("waldur-camel-agent: configuration error: " + e.getMessage());
            return 2;
        }
        config.warnings().forEach(w -> System.err.println("waldur-camel-agent: warning: " + w));
        if (!selected.contains(Mode.EVENT_PROCESS)) {
            // The reference's polling modes skip these offerings for its event mode; here nothing is left unserved.
            config.offerings().stream().filter(o -> o.stompEnabled()).forEach(o -> System.err.println(
                    "waldur-camel-agent: warning: offering " + o.name() + " has stomp_enabled but event_process does "
                            + "not run in this process: order_process and membership_sync poll it instead"));
        }
        Path routeDir = routes != null ? routes : defaultRoutes();
        if (!Files.isDirectory(routeDir)) {
            System.err.println("waldur-camel-agent: routes directory not found: " + routeDir);
            return 2;
        }

        Main main = new Main(App.class);
        main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + routeDir.toAbsolutePath() + "/*.yaml");
        main.addOverrideProperty("agent.dry-run", Boolean.toString(dryRun));
        main.addOverrideProperty("agent.repeat-count", once ? "1" : "0");
        main.addOverrideProperty("agent.create-homedirs.enabled", Boolean.toString(homedirsOnly));
        if (homedirsOnly) {
            selected = EnumSet.of(Mode.MEMBERSHIP_SYNC);
        }
        applyLogLevel(config.logLevel());
        for (Mode m : Mode.values()) {
            main.addOverrideProperty("agent." + m.routeName() + ".enabled", Boolean.toString(!homedirsOnly && selected.contains(m)));
            main.addOverrideProperty("agent." + m.routeName() + ".period-ms",
                    Long.toString(Math.max(1000L, Math.round(config.periodMinutes().get(m) * 60_000))));
        }
        if (managementPort != null) {
            main.addOverrideProperty("camel.management.enabled", "true");
            main.addOverrideProperty("camel.management.port", managementPort.toString());
            main.addOverrideProperty("camel.management.health-check-enabled", "true");
            main.addOverrideProperty("camel.management.metrics-enabled", "true");
        }
        if (reload) {
            main.addOverrideProperty("camel.main.routes-reload-enabled", "true");
            main.addOverrideProperty("camel.main.routes-reload-directory", routeDir.toAbsolutePath().toString());
            main.addOverrideProperty("camel.main.routes-reload-pattern", "*.yaml");
        }
        // The routes' beans find the configuration resolved above and the tracker in the registry (AgentBeans).
        boolean oneShot = once || homedirsOnly;
        CycleTracker tracker = new CycleTracker(config, oneShot ? selected : EnumSet.noneOf(Mode.class),
                oneShot ? main::completed : null);
        tracker.setEventProcessRunning(!homedirsOnly && selected.contains(Mode.EVENT_PROCESS));
        main.bind("agentConfig", config);
        main.bind("cycles", tracker);
        // camel-main starts happily with no routes at all: a mis-pointed --routes or a deleted flow file would
        // leave the agent idle and silent, so every selected mode's route must be there once it has started.
        List<String> wanted = homedirsOnly ? List.of("create-homedirs")
                : selected.stream().map(Mode::routeName).toList();
        List<String> missing = new ArrayList<>();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                wanted.stream().filter(id -> started.getCamelContext().getRoute(id) == null).forEach(missing::add);
                if (!missing.isEmpty()) {
                    System.err.println("waldur-camel-agent: no route " + missing + " in " + routeDir.toAbsolutePath()
                            + " (the routes/ of the distribution, or --routes DIR)");
                    main.completed();
                }
            }
        });
        main.run();
        if (!missing.isEmpty()) {
            return 2;
        }
        if (main.getExitCode() != 0) {
            return main.getExitCode();
        }
        return oneShot && tracker.failures() > 0 ? 1 : 0;
    }

    /** {@code log_level} of the config file (the reference's names: WARNING, CRITICAL), unless AGENT_LOG_LEVEL is set. */
    private static void applyLogLevel(String level) {
        if (System.getenv("AGENT_LOG_LEVEL") != null) {
            return;
        }
        String log4j = switch (level) {
            case "WARNING" -> "WARN";
            case "CRITICAL" -> "FATAL";
            default -> level;
        };
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.toLevel(log4j));
    }

    /** routes/ beside the launcher's distribution (AGENT_HOME), else routes/ in the working directory. */
    private static Path defaultRoutes() {
        String home = System.getenv("AGENT_HOME");
        return home != null ? Path.of(home, "routes") : Path.of("routes");
    }

    static String version() {
        String v = App.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"waldur-camel-agent " + version()};
        }
    }
}
