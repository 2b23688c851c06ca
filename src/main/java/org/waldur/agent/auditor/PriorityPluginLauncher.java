package org.waldur.agent.auditor;

import org.apache.camel.main.Main;
import org.waldur.agent.auditor.priority.PriorityConfig;
import org.waldur.agent.auditor.priority.PriorityPlugin;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.slurm.FileBackedExecutor;
import org.waldur.agent.slurm.SlurmExec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code waldur-camel-agent auditor-priority-plugin CONFIG [--once]}: a Camel context of its own with only the
 * priority flow (routes/auditor-priority.camel.yaml), the shared SLURM exec route (routes/slurm.camel.yaml) and,
 * when the config's prometheus block enables it, the /metrics route. No Waldur configuration is read.
 */
public final class PriorityPluginLauncher {
    private PriorityPluginLauncher() {
    }

    public static int run(Path configFile, Path routeDir, boolean once) throws Exception {
        return run(configFile, routeDir, once, stop -> { });
    }

    /** As {@link #run(Path, Path, boolean)}; {@code stopper} receives what stops the plugin (tests, embedding). */
    public static int run(Path configFile, Path routeDir, boolean once, Consumer<Runnable> stopper) throws Exception {
        PriorityConfig config;
        try {
            config = PriorityConfig.load(configFile, System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("auditor-priority-plugin: configuration error: " + e.getMessage());
            return 2;
        }
        config.warnings().forEach(w -> System.err.println("auditor-priority-plugin: warning: " + w));
        List<String> files = new ArrayList<>(List.of("auditor-priority.camel.yaml", "auditor-shared.camel.yaml", "slurm.camel.yaml"));
        if (config.prometheus()) {
            files.add("auditor-priority-metrics.camel.yaml");
        }
        List<String> include = new ArrayList<>();
        for (String f : files) {
            Path p = routeDir.resolve(f);
            if (!Files.isRegularFile(p)) {
                System.err.println("auditor-priority-plugin: route file not found: " + p.toAbsolutePath()
                        + " (the routes/ of the distribution, or --routes DIR)");
                return 2;
            }
            include.add("file:" + p.toAbsolutePath());
        }
        PriorityPlugin plugin;
        try {
            plugin = new PriorityPlugin(config, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            System.err.println("auditor-priority-plugin: configuration error: " + configFile + ": commands: " + e.getMessage());
            return 2;
        }
        Main main = new Main();
        main.bind("auditorPriority", plugin);
        main.bind("slurmExec", new SlurmExec(false));
        // routes/slurm.camel.yaml may also use the file-backed executor (streamed output) and, from
        // routes/auditor-shared.camel.yaml, the to-caller route configuration. No RoutesBuilder class here: the
        // Waldur agent's package scan would pick it up.
        main.bind("fileBackedExec", new FileBackedExecutor());
        main.addOverrideProperty("camel.main.name", "auditor-priority-plugin");
        main.addOverrideProperty("camel.main.routes-include-pattern", String.join(",", include));
        // the Waldur agent excludes auditor-*.yaml (application.properties); this context wants exactly its own
        main.addOverrideProperty("camel.main.routes-exclude-pattern", "**/*.not-a-route");
        main.addOverrideProperty("auditor.priority.period-ms", Long.toString(config.frequency().toMillis()));
        main.addOverrideProperty("auditor.priority.repeat-count", once ? "1" : "0");
        if (config.prometheus()) {
            main.addOverrideProperty("camel.server.enabled", "true");
            main.addOverrideProperty("camel.server.host", config.prometheusAddr());
            main.addOverrideProperty("camel.server.port", Integer.toString(config.prometheusPort()));
        }
        if (once) {
            plugin.onCycleDone(main::completed);
        }
        stopper.accept(main::completed);
        main.run();
        if (main.getExitCode() != 0) {
            return main.getExitCode();
        }
        return once && (plugin.failedFetches() > 0 || plugin.failedCommands() > 0) ? 1 : 0;
    }
}
