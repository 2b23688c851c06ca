package org.waldur.agent.ops;

import org.waldur.agent.App;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.config.ConfigResolver;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * What the operator commands share: the launcher's -c/--config-file, --dry-run and --state-dir (given before or
 * after the command's name), the configuration read as the agent reads it, and picocli's output streams (so tests
 * can capture them). Exit codes: 0 all well, 1 something failed (the output says what), 2 a configuration error.
 */
abstract class OperatorCommand {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int CONFIG_ERROR = 2;

    @ParentCommand
    App app;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The configuration, or null after printing the error (the caller returns {@link #CONFIG_ERROR}). */
    AgentConfig config() {
        try {
            app.applyLogFormatForCommands();
            AgentConfig c = ConfigResolver.resolve(app.configFile(), System.getenv());
            c.warnings().forEach(w -> err().println("waldur-camel-agent: warning: " + w));
            return c;
        } catch (ConfigException | IllegalArgumentException e) {
            err().println("waldur-camel-agent: configuration error: " + e.getMessage());
            return null;
        }
    }

    static String userAgent() {
        return "waldur-camel-agent/" + App.version();
    }
}
