package org.waldur.agent.auditor.server;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.waldur.agent.auditor.server.config.ServerConfigLoader;
import org.waldur.agent.auditor.server.config.ServerSettings;
import org.waldur.agent.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code waldur-camel-agent auditor [CONFIG]}: AUDITOR's record server as a drop-in — AUDITOR's config file as
 * the one argument, {@code AUDITOR_<SECTION>__<KEY>} variables over it, port 8000 by default.
 */
@Command(name = "auditor", mixinStandardHelpOptions = true,
        description = {"Run the AUDITOR record server (AUDITOR's HTTP API on PostgreSQL).",
                "CONFIG is AUDITOR's server config (application, database, metrics, log_level); "
                        + "AUDITOR_<SECTION>__<KEY> variables override it. Without a database section the records "
                        + "live in an embedded PostgreSQL under database.path (default ./auditor-data)."})
public final class AuditorCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "AUDITOR server config (YAML)")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings;
        try {
            settings = ServerConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("waldur-camel-agent auditor: configuration error: " + e.getMessage());
            return 2;
        }
        settings.warnings().forEach(w -> System.err.println("waldur-camel-agent auditor: warning: " + w));
        if (System.getenv("AGENT_LOG_LEVEL") == null) {
            Configurator.setRootLevel(Level.toLevel(settings.logLevel()));
        }
        AuditorServer server;
        try {
            server = AuditorServer.create(settings, routeDir());
        } catch (java.io.IOException e) {
            System.err.println("waldur-camel-agent auditor: " + e.getMessage());
            return 2;
        }
        return server.run();
    }

    /** The inherited --routes option when given, else routes/ beside the launcher (AGENT_HOME), else ./routes. */
    private Path routeDir() {
        CommandLine.Model.OptionSpec routes = spec.findOption("--routes");
        Object v = routes == null ? null : routes.getValue();
        if (v instanceof Path p) {
            return p;
        }
        String home = System.getenv("AGENT_HOME");
        return home != null ? Path.of(home, "routes") : Path.of("routes");
    }
}
