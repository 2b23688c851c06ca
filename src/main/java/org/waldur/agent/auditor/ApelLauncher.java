package org.waldur.agent.auditor;

import org.apache.camel.main.Main;
import org.waldur.agent.auditor.apel.ApelConfig;
import org.waldur.agent.auditor.apel.ApelPublisher;
import org.waldur.agent.config.ConfigException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;

/**
 * {@code auditor-apel-publish -c CONFIG [--dry-run] [--once]} and {@code auditor-apel-republish -y Y -m M -s SITE
 * -c CONFIG [--dry-run]}, AUDITOR's two APEL commands (auditor.md §5.1). Publish runs routes/auditor-apel.camel.yaml
 * in a Camel context of its own: every minute (or report_interval, if shorter) it checks whether a report is due
 * and, when it is, sends each GOCDB site's month. A dry run is one cycle that prints the unsigned messages and
 * sends and records nothing, as AUDITOR's. Republish is one direct call: there is no flow to schedule.
 */
public final class ApelLauncher {
    private ApelLauncher() {
    }

    public static int publish(Path configFile, boolean dryRun, boolean once, Clock clock, PrintStream out) throws Exception {
        return publish(configFile, dryRun, once, clock, out, Path.of(System.getenv().getOrDefault("AGENT_HOME", "."), "routes"));
    }

    public static int publish(Path configFile, boolean dryRun, boolean once, Clock clock, PrintStream out, Path routeDir)
            throws Exception {
        ApelConfig config = load(configFile);
        if (config == null) {
            return 2;
        }
        Path route = routeDir.resolve("auditor-apel.camel.yaml");
        if (!Files.isRegularFile(route)) {
            System.err.println("auditor-apel-publish: route file not found: " + route.toAbsolutePath()
                    + " (the routes/ of the distribution, or --routes DIR)");
            return 2;
        }
        ApelPublisher publisher = new ApelPublisher(config, dryRun, clock, out);
        Main main = new Main();
        main.bind("apelPublisher", publisher);
        main.addOverrideProperty("camel.main.name", "auditor-apel-publish");
        main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + route.toAbsolutePath());
        // the Waldur agent excludes auditor-*.yaml (application.properties); this context wants exactly its own
        main.addOverrideProperty("camel.main.routes-exclude-pattern", "**/*.not-a-route");
        main.addOverrideProperty("auditor.apel.period-ms", Long.toString(Math.max(1000,
                Math.min(60_000, config.reportInterval().toMillis()))));
        boolean single = once || dryRun;
        main.addOverrideProperty("auditor.apel.repeat-count", single ? "1" : "0");
        if (single) {
            publisher.onCycleDone(main::completed);
        }
        main.run();
        if (main.getExitCode() != 0) {
            return main.getExitCode();
        }
        return single && publisher.failedCycles() > 0 ? 1 : 0;
    }

    public static int republish(Path configFile, int year, int month, String site, boolean dryRun, Clock clock,
                                PrintStream out) throws Exception {
        ApelConfig config = load(configFile);
        if (config == null) {
            return 2;
        }
        if (!config.sitesToReport().containsKey(site)) {
            System.err.println("auditor-apel-republish: site " + site + " is not in site.sites_to_report "
                    + config.sitesToReport().keySet());
            return 2;
        }
        if (month < 1 || month > 12) {
            System.err.println("auditor-apel-republish: month " + month + " is not 1..12");
            return 2;
        }
        new ApelPublisher(config, dryRun, clock, out).republish(site, YearMonth.of(year, month));
        return 0;
    }

    private static ApelConfig load(Path configFile) {
        try {
            ApelConfig c = ApelConfig.load(configFile);
            c.warnings().forEach(w -> System.err.println("auditor-apel: warning: " + w));
            return c;
        } catch (ConfigException e) {
            System.err.println("auditor-apel: configuration error: " + e.getMessage());
            return null;
        }
    }
}
