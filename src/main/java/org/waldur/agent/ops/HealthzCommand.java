package org.waldur.agent.ops;

import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.LegacyEnvConfig;
import org.waldur.agent.config.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code healthz}: is the running agent cycling? Reads each selected mode's {@link HealthState} file and passes
 * when its last cycle completed within twice the mode's period (from the same config and environment as the agent).
 * For systemd (ExecStartPost=, a watchdog timer) and container probes.
 */
@Command(name = "healthz", mixinStandardHelpOptions = true,
        description = {"Exit 0 when every selected mode completed a cycle within twice its period, according to "
                + "the state files the running agent rewrites after each cycle (see --state-dir); else non-zero "
                + "with the reason. One line per mode."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every selected mode completed a cycle within 2× its period",
                "1:a mode has no recent completed cycle (or none at all)", "2:configuration error"})
public final class HealthzCommand extends OperatorCommand implements Callable<Integer> {
    @Option(names = {"-m", "--mode"}, split = ",", paramLabel = "MODE",
            description = "the modes the agent runs, as its -m (default: from WALDUR_SYNC_DIRECTION, else order_process)")
    List<String> modes = new ArrayList<>();

    @Override
    public Integer call() {
        AgentConfig config = config();
        if (config == null) {
            return CONFIG_ERROR;
        }
        Set<Mode> selected = EnumSet.noneOf(Mode.class);
        try {
            for (String m : modes) {
                selected.add(Mode.parse(m));
            }
        } catch (IllegalArgumentException e) {
            err().println("waldur-camel-agent: configuration error: " + e.getMessage());
            return CONFIG_ERROR;
        }
        if (selected.isEmpty()) {
            selected.addAll(LegacyEnvConfig.modes(System.getenv()));
        }
        if (selected.isEmpty()) {
            selected.add(Mode.ORDER_PROCESS);
        }
        Path dir = app.stateDir() != null ? app.stateDir() : HealthState.defaultDir(System.getenv());
        Instant now = Instant.now();
        boolean healthy = true;
        for (Mode m : selected) {
            long periodMs = Math.max(1000L, Math.round(config.periodMinutes().get(m) * 60_000));
            HealthState s;
            try {
                s = HealthState.read(dir, m);
            } catch (IOException | RuntimeException e) {
                out().println("✘ " + m.cliName + ": unreadable state file " + HealthState.file(dir, m) + ": " + e.getMessage());
                healthy = false;
                continue;
            }
            if (s == null) {
                out().println("✘ " + m.cliName + ": no completed cycle recorded (" + HealthState.file(dir, m) + " missing)");
                healthy = false;
                continue;
            }
            long age = s.age(now).toSeconds();
            boolean fresh = s.fresh(now, periodMs);
            healthy &= fresh;
            out().println((fresh ? "✔ " : "✘ ") + m.cliName + ": last cycle completed " + age + " s ago"
                    + (fresh ? "" : ", more than twice the period") + " (period " + periodMs / 1000 + " s), "
                    + s.itemsFailed() + " item(s) failed, " + s.itemsDone() + " done");
        }
        out().flush();
        return healthy ? OK : FAILED;
    }
}
