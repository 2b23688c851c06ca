package org.waldur.agent;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.waldur.agent.auditor.collector.AuditorSlurmCollectorCommand;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.config.ConfigResolver;
import org.waldur.agent.config.LegacyEnvConfig;
import org.waldur.agent.config.Mode;
import org.waldur.agent.ops.DiagnosticsCommand;
import org.waldur.agent.ops.HealthzCommand;
import org.waldur.agent.ops.LoadComponentsCommand;
import org.waldur.agent.ops.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
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
        description = "Connects a SLURM cluster to Waldur: order_process, report, membership_sync, event_process.",
        subcommands = {LoadComponentsCommand.class, DiagnosticsCommand.class, HealthzCommand.class,
                org.waldur.agent.auditor.server.AuditorCommand.class, AuditorSlurmCollectorCommand.class})
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

    @Option(names = "--jmx", description = "register Camel's routes and processors as JMX MBeans (default: off, "
            + "they cost about 1 s of CPU and 20 MB at every start; README, Benchmarks)")
    boolean jmx;

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
            description = "text (default) or json (one ECS JSON object a line, for log shippers); "
                    + "also AGENT_LOG_FORMAT")
    String logFormat;

    @Option(names = "--state-dir", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "where each mode's health state file is written after every cycle and healthz reads it "
                    + "(default: AGENT_STATE_DIR, systemd's STATE_DIRECTORY, /var/lib/waldur-camel-agent if present)")
    Path stateDir;

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

    @Command(name = "auditor-priority-plugin", mixinStandardHelpOptions = true,
            description = "AUDITOR's priority plugin: every `frequency` s, the resources each group provided "
                    + "become priorities, set by the configured commands (e.g. scontrol).")
    int auditorPriorityPlugin(@CommandLine.Parameters(paramLabel = "CONFIG", description = "AUDITOR priority plugin YAML") Path config,
                              @Option(names = "--once", description = "one cycle, then exit; non-zero if the read or a command failed") boolean once)
            throws Exception {
        return org.waldur.agent.auditor.PriorityPluginLauncher.run(config, routes != null ? routes : defaultRoutes(), once);
    }

    @Command(name = "auditor-apel-publish", mixinStandardHelpOptions = true,
            description = "AUDITOR's APEL plugin: every report_interval, the month's sync and summary messages of each "
                    + "site, signed, to the ARGO messaging service (-c CONFIG).")
    int auditorApelPublish(@Option(names = "--config", paramLabel = "CONFIG", description = "same as -c") Path config,
                           @Option(names = "--once", description = "report once if due, then exit") boolean once)
            throws Exception {
        Path file = apelConfig(config);
        return file == null ? 2 : org.waldur.agent.auditor.ApelLauncher.publish(file, dryRun, once, java.time.Clock.systemUTC(),
                System.out, routes != null ? routes : defaultRoutes());
    }

    @Command(name = "auditor-apel-republish", mixinStandardHelpOptions = true,
            description = "AUDITOR's APEL republish: one month's summary message of one site (-c CONFIG).")
    int auditorApelRepublish(@Option(names = {"-y", "--year"}, required = true) int year,
                             @Option(names = {"-m", "--month"}, required = true) int month,
                             @Option(names = {"-s", "--site"}, required = true, description = "GOCDB site name") String site,
                             @Option(names = "--config", paramLabel = "CONFIG", description = "same as -c") Path config)
            throws Exception {
        Path file = apelConfig(config);
        return file == null ? 2 : org.waldur.agent.auditor.ApelLauncher.republish(file, year, month, site, dryRun,
                java.time.Clock.systemUTC(), System.out);
    }

    private Path apelConfig(Path config) {
        if (config == null && configFile == null) {
            System.err.println("waldur-camel-agent: -c CONFIG (the APEL plugin config) is required");
            return null;
        }
        return config != null ? config : Path.of(configFile);
    }

    /** Set by the report subcommand: a backfill of these months instead of the modes. */
    YearMonth backfillFrom;
    YearMonth backfillTo;

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Backfill usage: report every month from --from to --to once (one sacct per month for all "
                    + "accounts, the usual reconciliation with Waldur), then exit; the reference's "
                    + "waldur_site_load_historical_usage. Past months need a token Waldur lets backfill (staff).")
    int report(@Option(names = "--from", required = true, paramLabel = "YYYY-MM") YearMonth from,
               @Option(names = "--to", required = true, paramLabel = "YYYY-MM") YearMonth to) throws Exception {
        if (from.isAfter(to) || to.isAfter(YearMonth.now(java.time.ZoneOffset.ofHours(-12)))) {
            System.err.println("waldur-camel-agent: report: --from " + from + " --to " + to
                    + ": the months must run forwards and not past the current one");
            return 2;
        }
        backfillFrom = from;
        backfillTo = to;
        modes = new ArrayList<>(List.of("report"));
        once = true;
        return call();
    }

    public static void main(String[] args) {
        warmUpInBackground();
        System.exit(commandLine().execute(args));
    }

    /**
     * Two pieces of the start done on the other core while the main thread parses the command line, the
     * configuration and the routes: opening the class path's jars (a look-up of a name no jar has opens them all, as
     * log4j2's plugin scan does later on the main thread) and the default TLS context with the JDK's trusted
     * certificates, which camel-http builds when it starts, https or not. Both are the JDK's, without side effects;
     * the main thread finds them done or waits for them (issue 12, README, Benchmarks).
     */
    private static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                ClassLoader.getSystemClassLoader().getResources("waldur-camel-agent/warm-up").hasMoreElements();
                javax.net.ssl.SSLContext.getDefault();
            } catch (Exception e) {
                // whatever failed here fails again where it is needed, with that caller's message
            }
        }, "warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The launcher's command line; tests build it here too, so they parse exactly as the launcher does. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    public static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine cli = new CommandLine(new App(), factory);
        // `-m report` is the reference's report mode, not the `report` backfill subcommand: an option's value
        // may share a subcommand's name
        cli.setAllowSubcommandsAsOptionParameters(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("waldur-camel-agent: " + e.getMessage());
            return 2;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Set<Mode> selected = EnumSet.noneOf(Mode.class);
        AgentConfig config;
        try {
            applyLogFormat();
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
        Logging.enableSentry(config.sentryDsn().isBlank() ? env.get("SENTRY_DSN") : config.sentryDsn(),
                env.get("SENTRY_ENVIRONMENT"), "waldur-camel-agent@" + version(), config.secrets());
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

        // AgentBeans named, not found by a package scan: the scan loaded every class of the agent to look at it,
        // the AUDITOR programs' too (issue 12, time to the first request)
        Main main = new Main();
        main.configure().addConfiguration(AgentBeans.class);
        main.addOverrideProperty("agent.dry-run", Boolean.toString(dryRun));
        main.addOverrideProperty("agent.repeat-count", once ? "1" : "0");
        main.addOverrideProperty("agent.create-homedirs.enabled", Boolean.toString(homedirsOnly));
        if (stateDir != null) {
            main.addOverrideProperty("agent.state-dir", stateDir.toAbsolutePath().toString());
        }
        if (backfillFrom != null) {
            main.addOverrideProperty("agent.report.from", backfillFrom.toString());
            main.addOverrideProperty("agent.report.to", backfillTo.toString());
        }
        if (homedirsOnly) {
            selected = EnumSet.of(Mode.MEMBERSHIP_SYNC);
        }
        applyLogLevel(config.logLevel());
        for (Mode m : Mode.values()) {
            main.addOverrideProperty("agent." + m.routeName() + ".enabled", Boolean.toString(!homedirsOnly && selected.contains(m)));
            main.addOverrideProperty("agent." + m.routeName() + ".period-ms",
                    Long.toString(Math.max(1000L, Math.round(config.periodMinutes().get(m) * 60_000))));
        }
        // Periodic limits exist only as events: offerings no event_process serves still listen for them (routes/
        // periodic-limits.camel.yaml picks the offerings) in a long-running process of a mode that manages accounts.
        boolean accounts = selected.contains(Mode.ORDER_PROCESS) || selected.contains(Mode.MEMBERSHIP_SYNC)
                || selected.contains(Mode.EVENT_PROCESS);
        boolean listen = accounts && !once && !homedirsOnly;
        main.addOverrideProperty("agent.periodic-limits-listen.enabled", Boolean.toString(listen));
        main.addOverrideProperty("camel.main.routes-include-pattern", reload
                ? "file:" + routeDir.toAbsolutePath() + "/*.yaml"
                : RouteFiles.in(routeDir).toLoad(routeRoots(selected, homedirsOnly, listen), routeRoots(EnumSet.allOf(Mode.class), true, true))
                        .stream().map(f -> "file:" + f.toAbsolutePath()).collect(java.util.stream.Collectors.joining(",")));
        // What nobody can read is not made: JMX MBeans only with --jmx, Camel's route metrics only when the management
        // port serves them (measured with examples/bench/agent-cycles.sh: ~1.3 s CPU and ~20 MB less per start)
        main.addOverrideProperty("camel.main.jmx-enabled", Boolean.toString(jmx));
        if (managementPort == null) {
            main.addOverrideProperty("camel.metrics.enabled", "false");
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

    /**
     * The routes a process of these modes starts, and what they start by a name built at run time: the mode's
     * {@code -offering} route (routes/cycle.camel.yaml) and the event passes (EventHub). Only the flow files these
     * reach are parsed and built; the other modes' are not (RouteFiles). With --reload-routes every file is loaded.
     */
    static Set<String> routeRoots(Set<Mode> modes, boolean homedirs, boolean periodicLimitsListen) {
        Set<String> roots = new java.util.TreeSet<>();
        for (Mode m : modes) {
            roots.add(m.routeName());
            roots.add(m.routeName() + "-offering");
        }
        if (modes.contains(Mode.EVENT_PROCESS)) {
            roots.addAll(org.waldur.agent.events.EventHub.PASS_ROUTES);
        }
        if (homedirs) {
            roots.add("create-homedirs");
        }
        if (periodicLimitsListen) {
            roots.add("periodic-limits-listen");
        }
        return roots;
    }

    /** --log-format (else AGENT_LOG_FORMAT, which log4j2.xml reads itself). */
    public void applyLogFormatForCommands() {
        applyLogFormat();
    }

    void applyLogFormat() {
        if (logFormat != null) {
            Logging.useFormat(logFormat);
        }
    }

    /** For the subcommands: the -c/--config-file, --dry-run and --state-dir given before or after their name. */
    public String configFile() {
        return configFile;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public Path stateDir() {
        return stateDir;
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

    /** --routes, else the default: for subcommands that load their own routes. */
    public Path routesDirectory() {
        return routes != null ? routes : defaultRoutes();
    }

    /** routes/ beside the launcher's distribution (AGENT_HOME), else routes/ in the working directory. */
    private static Path defaultRoutes() {
        String home = System.getenv("AGENT_HOME");
        return home != null ? Path.of(home, "routes") : Path.of("routes");
    }

    public static String version() {
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
