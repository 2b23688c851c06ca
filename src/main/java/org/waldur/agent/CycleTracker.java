package org.waldur.agent;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.Mode;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.waldur.WaldurErrors;

import org.waldur.agent.ops.AgentMdc;
import org.waldur.agent.ops.CycleHealth;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where each mode's cycle starts and ends: hands the routes the offerings of a mode, isolates a failing offering,
 * counts items done and failed, and — with {@code --once} — stops the agent when every selected mode has run one
 * cycle, so the exit code can tell whether anything failed.
 */
public final class CycleTracker {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.cycle");
    private final AgentConfig config;
    private final Set<Mode> pending;
    private final Runnable allDone;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cycles = new AtomicInteger();
    /** Items done and failed in the current cycle of each mode, for the mode's health (issue 13). */
    private final Map<Mode, AtomicInteger[]> perMode = new EnumMap<>(Mode.class);
    private volatile boolean eventProcessRunning;

    public CycleTracker(AgentConfig config, Set<Mode> once, Runnable allDone) {
        this.config = config;
        this.pending = once.isEmpty() ? EnumSet.noneOf(Mode.class) : EnumSet.copyOf(once);
        this.allDone = allDone;
        for (Mode m : Mode.values()) {
            perMode.put(m, new AtomicInteger[]{new AtomicInteger(), new AtomicInteger()});
        }
    }

    /** Whether event_process runs in this process: it takes stomp_enabled offerings away from polling. */
    public void setEventProcessRunning(boolean running) {
        this.eventProcessRunning = running;
    }

    public List<OfferingConfig> begin(@Header("mode") String mode) {
        AtomicInteger[] counts = perMode.get(Mode.parse(mode));
        counts[0].set(0);
        counts[1].set(0);
        List<OfferingConfig> offerings = config.offeringsFor(Mode.parse(mode), eventProcessRunning);
        LOG.info("{} cycle: {} offering(s)", mode, offerings.size());
        return offerings;
    }

    public void offeringFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OfferingConfig o = exchange.getProperty("offering", OfferingConfig.class);
        failed.incrementAndGet();
        count(exchange, 1);
        LOG.error("offering {} skipped this cycle: {}", o == null ? "?" : o.name(),
                t == null ? "unknown error" : WaldurErrors.describe(t));
    }

    public void itemDone(Exchange exchange) {
        done.incrementAndGet();
        count(exchange, 0);
    }

    public void itemFailed(Exchange exchange) {
        failed.incrementAndGet();
        count(exchange, 1);
    }

    /** The item's mode is the route its exchange came from: the mode's timer route (order-process, report, ...). */
    private void count(Exchange exchange, int which) {
        Mode m = AgentMdc.modeOf(exchange);
        if (m != null) {
            perMode.get(m)[which].incrementAndGet();
        }
    }

    public void end(@Header("mode") String mode, Exchange exchange) {
        cycles.incrementAndGet();
        // the state file, /observe/health and the gauges (AgentBeans binds the agentCycleHealth bean)
        CycleHealth h = exchange.getContext().getRegistry().lookupByNameAndType("agentCycleHealth", CycleHealth.class);
        if (h != null) {
            AtomicInteger[] counts = perMode.get(Mode.parse(mode));
            h.completed(Mode.parse(mode), counts[0].get(), counts[1].get());
        }
        LOG.info("{} cycle finished: {} item(s) done, {} failed so far", mode, done.get(), failed.get());
        boolean finished;
        synchronized (pending) {
            finished = pending.remove(Mode.parse(mode)) && pending.isEmpty();
        }
        if (finished && allDone != null) {
            allDone.run();
        }
    }

    public int failures() {
        return failed.get();
    }

    public int completedCycles() {
        return cycles.get();
    }
}
