package org.waldur.agent.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.Mode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Per selected mode: when its last cycle completed and how many items it failed. Written to the mode's
 * {@link HealthState} file after each cycle (for {@code healthz}), reported by the Camel health check
 * {@code agent-cycles} on {@code /observe/health} and as the Prometheus gauges
 * {@code agent_cycle_last_completed_age_seconds{mode}} and {@code agent_cycle_items_failed{mode}}.
 * A mode is DOWN when its last cycle (or, before the first, the start) is more than twice its period ago.
 */
public final class CycleHealth extends AbstractHealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.health");

    private final Map<Mode, Long> periodsMs;
    private final Set<Mode> selected;
    private final Path stateDir;
    private final Clock clock;
    private final Instant started;
    private final Map<Mode, HealthState> last = new EnumMap<>(Mode.class);
    private boolean gauges;
    private volatile boolean writeWarned;

    /**
     * {@code periodsMs}: every mode's period; {@code selected}: the modes this process runs (a mode whose cycle
     * completes joins them, e.g. a cycle started by hand).
     */
    public CycleHealth(Map<Mode, Long> periodsMs, Set<Mode> selected, Path stateDir, Clock clock) {
        super("agent", "agent-cycles");
        this.periodsMs = Map.copyOf(periodsMs);
        this.selected = java.util.Collections.synchronizedSet(selected.isEmpty() ? java.util.EnumSet.noneOf(Mode.class)
                : java.util.EnumSet.copyOf(selected));
        this.stateDir = stateDir;
        this.clock = clock;
        this.started = clock.instant();
        setEnabled(true);
    }

    public Set<Mode> modes() {
        synchronized (selected) {
            return Set.copyOf(selected);
        }
    }

    public void completed(Mode mode, int done, int failed) {
        long period = periodsMs.get(mode);
        boolean added = selected.add(mode);
        HealthState s = new HealthState(mode, clock.instant(), period, done, failed, ProcessHandle.current().pid());
        synchronized (last) {
            last.put(mode, s);
        }
        registerGauges(added);
        try {
            s.write(stateDir);
        } catch (IOException | RuntimeException e) {
            if (!writeWarned) {
                writeWarned = true;
                LOG.warn("cannot write the health state file in {} (healthz will report no cycle): {}", stateDir, e.toString());
            }
        }
    }

    public HealthState last(Mode mode) {
        synchronized (last) {
            return last.get(mode);
        }
    }

    /** Seconds since the mode's last completed cycle, or since the start before the first. */
    public double ageSeconds(Mode mode) {
        HealthState s = last(mode);
        return (clock.millis() - (s == null ? started : s.completed()).toEpochMilli()) / 1000.0;
    }

    public int itemsFailed(Mode mode) {
        HealthState s = last(mode);
        return s == null ? 0 : s.itemsFailed();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        boolean up = true;
        StringBuilder why = new StringBuilder();
        for (Mode m : modes()) {
            double age = ageSeconds(m);
            builder.detail(m.cliName + ".last-cycle-age-seconds", Math.round(age));
            builder.detail(m.cliName + ".items-failed", itemsFailed(m));
            builder.detail(m.cliName + ".completed", last(m) != null);
            if (age * 1000 > 2 * periodsMs.get(m)) {
                up = false;
                why.append(m.cliName).append(": no cycle completed for ").append(Math.round(age)).append(" s (period ")
                        .append(periodsMs.get(m) / 1000).append(" s). ");
            }
        }
        if (up) {
            builder.up();
        } else {
            builder.message(why.toString().trim()).down();
        }
    }

    private synchronized void registerGauges(boolean modeAdded) {
        if (gauges && !modeAdded) {
            return;
        }
        CamelContext context = getCamelContext();
        MeterRegistry registry = context == null ? null : context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        gauges = true;
        for (Mode m : modes()) {
            Gauge.builder("agent.cycle.last.completed.age.seconds", this, h -> h.ageSeconds(m))
                    .description("seconds since the mode's last completed cycle").tag("mode", m.cliName).register(registry);
            Gauge.builder("agent.cycle.items.failed", this, h -> h.itemsFailed(m))
                    .description("items the mode's last completed cycle failed").tag("mode", m.cliName).register(registry);
        }
    }
}
