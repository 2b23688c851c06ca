package org.waldur.agent.auditor.priority;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.RecordsClient;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steps of one priority cycle (routes/auditor-priority.camel.yaml): read the window's records, compute
 * resources and priorities, hand the routes one argv per command × group, count what the commands did.
 * Between cycles it holds the last priorities, which stay in force while the server is unreachable, and the
 * gauges AUDITOR exports ({@code resource_usage{group}}, {@code priority{group}}) plus how stale they are.
 */
public final class PriorityPlugin {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.auditor.priority");
    private final PriorityConfig config;
    private final RecordsClient client;
    private final Clock clock;
    private final List<CommandTemplate> templates;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Double> resourceGauge = new ConcurrentHashMap<>();
    private final Map<String, Long> priorityGauge = new ConcurrentHashMap<>();
    private final AtomicLong lastSuccess = new AtomicLong(-1);
    private final AtomicInteger failedFetches = new AtomicInteger();
    private final AtomicInteger failedCommands = new AtomicInteger();
    private final AtomicInteger cycles = new AtomicInteger();
    private volatile Runnable onCycleDone = () -> { };
    private volatile ProvidedResources.Result lastResources;
    private volatile Priorities.Result lastPriorities;

    public PriorityPlugin(PriorityConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.client = new RecordsClient(config.auditorUrl(), config.timeout());
        List<CommandTemplate> t = new ArrayList<>();
        for (String c : config.commands()) {
            t.add(CommandTemplate.parse(c));
        }
        this.templates = List.copyOf(t);
        for (String g : config.groups().keySet()) {
            if (config.prometheusMetrics().contains("ResourceUsage")) {
                Gauge.builder("resource_usage", resourceGauge, m -> Math.floor(m.getOrDefault(g, 0.0)))
                        .tags(Tags.of("group", g)).description("resources provided by the group in the window")
                        .register(registry);
            }
            if (config.prometheusMetrics().contains("Priority")) {
                Gauge.builder("priority", priorityGauge, m -> m.getOrDefault(g, 0L))
                        .tags(Tags.of("group", g)).description("priority last set for the group").register(registry);
            }
        }
        Gauge.builder("priority_stale_seconds", this, p -> p.staleSeconds())
                .description("seconds since priorities were last computed from the records (-1: never)")
                .register(registry);
        Gauge.builder("priority_record_fetch_failures", failedFetches, AtomicInteger::get)
                .description("record fetches that failed since start").register(registry);
    }

    public PriorityConfig config() {
        return config;
    }

    /** With --once, stops the process after the first cycle. */
    public void onCycleDone(Runnable r) {
        onCycleDone = r;
    }

    /** The window's query: AUDITOR filters on start time (auditor.md §4.1), so do we. */
    public String query() {
        if (config.duration() == null) {
            return "";
        }
        return "start_time[gte]=" + RecordsClient.time(clock.instant().minus(config.duration()));
    }

    /** Reads the window's records and sums them per group. Throws when the server cannot be read. */
    public ProvidedResources.Result fetch() throws IOException {
        ProvidedResources.Accumulator acc = new ProvidedResources(config).start();
        long n = client.query(query(), acc::add);
        ProvidedResources.Result r = acc.result();
        LOG.info("{} record(s) read; {} used, skipped: {} of other groups, {} without runtime, {} without a "
                        + "configured component, {} negative runtime, {} duplicate ids; {} missing scores counted as 1.0",
                n, r.used(), r.otherGroup(), r.noRuntime(), r.noConfiguredComponent(), r.negativeRuntime(),
                r.duplicates(), r.missingScore());
        return r;
    }

    /** Priorities from the resources; updates the gauges; returns the commands to run, command by command. */
    public List<SlurmCommand> compute(ProvidedResources.Result resources) {
        Priorities.Result p = Priorities.compute(resources.perGroup(), config.mode(), config.minPriority(),
                config.maxPriority());
        if (p.degenerate()) {
            LOG.warn("no group provided more than another (every group equal, or all 0): every group gets "
                    + "min_priority {} (AUDITOR would set 0)", config.minPriority());
        }
        lastResources = resources;
        lastPriorities = p;
        resourceGauge.putAll(resources.perGroup());
        priorityGauge.putAll(p.priorities());
        lastSuccess.set(clock.millis());
        LOG.info("priorities ({}): {}", config.mode(), p.priorities());
        List<SlurmCommand> out = new ArrayList<>();
        for (CommandTemplate t : templates) {
            for (Map.Entry<String, List<String>> g : config.groups().entrySet()) {
                // an operator-written command: run as written (no prefix or flags), skipped by dry-run like a write
                out.add(new SlurmCommand(t.argv(g.getKey(), g.getValue(), p.priorities().get(g.getKey()),
                        resources.perGroup().get(g.getKey())), true, null));
            }
        }
        return out;
    }

    /** The server could not be read: the last priorities stay in force; try again next cycle. */
    public List<SlurmCommand> fetchFailed(Throwable e) {
        failedFetches.incrementAndGet();
        LOG.error("cannot read records from {}: {}; keeping the last priorities{}", config.auditorUrl(),
                e == null ? "unknown error" : e.getMessage(),
                lastSuccess.get() < 0 ? " (none computed yet)" : " from " + Instant.ofEpochMilli(lastSuccess.get()));
        return List.of();
    }

    public void commandDone(SlurmResult r) {
        if (r.status() == SlurmResult.Status.FAILED) {
            failedCommands.incrementAndGet();
        }
    }

    public void cycleDone() {
        cycles.incrementAndGet();
        onCycleDone.run();
    }

    public long staleSeconds() {
        long t = lastSuccess.get();
        return t < 0 ? -1 : (clock.millis() - t) / 1000;
    }

    public String scrape() {
        return registry.scrape();
    }

    public int failedFetches() {
        return failedFetches.get();
    }

    public int failedCommands() {
        return failedCommands.get();
    }

    public int cycles() {
        return cycles.get();
    }

    public Priorities.Result lastPriorities() {
        return lastPriorities;
    }

    public ProvidedResources.Result lastResources() {
        return lastResources;
    }
}
