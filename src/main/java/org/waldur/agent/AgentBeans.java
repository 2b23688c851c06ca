package org.waldur.agent;

import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.waldur.agent.accounting.ReportSteps;
import org.waldur.agent.accounts.OrderAnswers;
import org.waldur.agent.accounts.OrderSteps;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.Mode;
import org.waldur.agent.events.EventHub;
import org.waldur.agent.events.EventSetup;
import org.waldur.agent.events.StompEventStream;
import org.waldur.agent.membership.HomeDirs;
import org.waldur.agent.membership.MembershipSteps;
import org.waldur.agent.membership.MembershipWrites;
import org.waldur.agent.slurm.FileBackedExecutor;
import org.waldur.agent.slurm.SlurmExec;
import org.waldur.agent.waldur.LinkPager;
import org.waldur.agent.waldur.TrustAllCertificates;
import org.waldur.agent.waldur.WaldurAuth;
import org.waldur.agent.waldur.WaldurRequest;
import org.waldur.agent.waldur.WaldurRetryAfter;
import org.waldur.agent.waldur.WaldurWrites;

import org.waldur.agent.ops.AgentMdc;
import org.waldur.agent.ops.CycleHealth;
import org.waldur.agent.ops.HealthState;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The beans the YAML routes refer to by name. The resolved configuration ({@code agentConfig}) and the
 * {@code cycles} tracker are not made here: whoever starts Camel binds them first — {@link App} from the command
 * line, the route tests from their own config file — so the configuration is resolved once and nothing is handed
 * over through static fields. Beans that need the configuration are lazy, made on first use.
 */
public class AgentBeans implements CamelConfiguration {
    private volatile CycleHealth health;
    private WaldurAuth auth;

    /**
     * The selected modes' cycle health: the state files healthz reads, the agent-cycles check of /observe/health
     * and the Prometheus gauges.
     */
    @BindToRegistry("agentCycleHealth")
    public CycleHealth cycleHealth(@PropertyInject(value = "agent.state-dir", defaultValue = "") String stateDir,
                                   @PropertyInject(value = "agent.order-process.enabled", defaultValue = "false") boolean orders,
                                   @PropertyInject(value = "agent.report.enabled", defaultValue = "false") boolean report,
                                   @PropertyInject(value = "agent.membership-sync.enabled", defaultValue = "false") boolean members,
                                   @PropertyInject(value = "agent.order-process.period-ms", defaultValue = "300000") long ordersMs,
                                   @PropertyInject(value = "agent.report.period-ms", defaultValue = "1800000") long reportMs,
                                   @PropertyInject(value = "agent.membership-sync.period-ms", defaultValue = "300000") long membersMs,
                                   @PropertyInject(value = "agent.event-process.enabled", defaultValue = "false") boolean events,
                                   @PropertyInject(value = "agent.event-process.period-ms", defaultValue = "3600000") long eventsMs) {
        // event_process completes a "cycle" at every pass (a burst, a catch-up, the reconciliation): its period is
        // the reconciliation's, the longest a healthy event mode goes without a pass
        Map<Mode, Long> periods = new EnumMap<>(Map.of(Mode.ORDER_PROCESS, ordersMs, Mode.REPORT, reportMs,
                Mode.MEMBERSHIP_SYNC, membersMs, Mode.EVENT_PROCESS, eventsMs));
        Set<Mode> selected = EnumSet.noneOf(Mode.class);
        if (orders) {
            selected.add(Mode.ORDER_PROCESS);
        }
        if (report) {
            selected.add(Mode.REPORT);
        }
        if (members) {
            selected.add(Mode.MEMBERSHIP_SYNC);
        }
        if (events) {
            selected.add(Mode.EVENT_PROCESS);
        }
        health = new CycleHealth(periods, selected, stateDir.isBlank() ? HealthState.defaultDir(System.getenv()) : Path.of(stateDir),
                Clock.systemUTC());
        return health;
    }


    @BindToRegistry("slurmExec")
    public SlurmExec slurmExec(@PropertyInject(value = "agent.dry-run", defaultValue = "false") boolean dryRun) {
        return new SlurmExec(dryRun);
    }

    /** One token cache for the process: every route's requests share an OIDC token until it nears expiry. */
    @BindToRegistry("waldurAuth")
    public synchronized WaldurAuth waldurAuth() {
        if (auth == null) {
            auth = new WaldurAuth();
        }
        return auth;
    }

    @BindToRegistry("waldurRequest")
    public WaldurRequest waldurRequest() {
        return new WaldurRequest("waldur-camel-agent/" + App.version(), waldurAuth());
    }

    /** State-changing POSTs read back after a failure before they are sent again (lost responses, issue 9). */
    @BindToRegistry("waldurWrites")
    public WaldurWrites waldurWrites(@PropertyInject(value = "agent.waldur.retries", defaultValue = "5") int retries,
                                     @PropertyInject(value = "agent.waldur.retry-delay-ms", defaultValue = "1000") long delayMs) {
        return new WaldurWrites(retries, delayMs);
    }

    /**
     * The pool the cycles' per-item Waldur work runs on (split executorService waldurPool in routes/): at most
     * {@code waldur_max_concurrent_requests} items at once, shared by every mode. Threads are made on demand and
     * time out when idle (daemons: the pool never holds the process up); the queue is unbounded, so no item runs
     * on its caller's thread beyond the bound.
     */
    @BindToRegistry(value = "waldurPool", lazy = true)
    public ExecutorService waldurPool(@BeanInject("agentConfig") AgentConfig config) {
        int size = config.waldurMaxConcurrentRequests();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "waldur-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A 429's Retry-After becomes the redelivery's wait (routes/waldur.camel.yaml). */
    @BindToRegistry("waldurRetryAfter")
    public WaldurRetryAfter waldurRetryAfter() {
        return new WaldurRetryAfter();
    }

    @BindToRegistry("linkPager")
    public LinkPager linkPager() {
        return new LinkPager();
    }

    /** One record of owed home directories for both modes: members a Create adds get theirs too. */
    private final HomeDirs homes = new HomeDirs();

    @BindToRegistry("orderAnswers")
    public OrderAnswers orderAnswers() {
        return new OrderAnswers();
    }

    @BindToRegistry("orderSteps")
    public OrderSteps orderSteps() {
        return new OrderSteps(homes);
    }

    @BindToRegistry("projectMoveSteps")
    public org.waldur.agent.accounts.ProjectMoveSteps projectMoveSteps() {
        return new org.waldur.agent.accounts.ProjectMoveSteps();
    }

    /** With the home directories made or found, remembered for the life of the process (gh-15). */
    @BindToRegistry("membershipSteps")
    public MembershipSteps membershipSteps() {
        return new MembershipSteps(homes);
    }

    @BindToRegistry("membershipWrites")
    public MembershipWrites membershipWrites(@PropertyInject(value = "agent.membership-sync.job-wait-polls", defaultValue = "15") int polls) {
        return new MembershipWrites(polls);
    }

    @BindToRegistry("userLimitSteps")
    public org.waldur.agent.membership.UserLimitSteps userLimitSteps() {
        return new org.waldur.agent.membership.UserLimitSteps();
    }

    @BindToRegistry(value = "reportSteps", lazy = true)
    public ReportSteps reportSteps(@BeanInject("agentConfig") AgentConfig config,
                                   @PropertyInject(value = "agent.fixed-now", defaultValue = "") String fixedNow,
                                   @PropertyInject(value = "agent.report.from", defaultValue = "") String from,
                                   @PropertyInject(value = "agent.report.to", defaultValue = "") String to) {
        // agent.fixed-now (an ISO instant) pins "now" for tests and demos of month boundaries; agent.report.from/to
        // make the cycle a backfill (App's report subcommand)
        return new ReportSteps(config, fixedNow.isBlank() ? ZonedDateTime::now
                : () -> ZonedDateTime.ofInstant(Instant.parse(fixedNow), ZoneOffset.UTC))
                .backfill(from.isBlank() ? null : YearMonth.parse(from), to.isBlank() ? null : YearMonth.parse(to));
    }

    @BindToRegistry("eventSetup")
    public EventSetup eventSetup() {
        return new EventSetup("waldur-camel-agent " + App.version());
    }

    /** Periodic limits (routes/periodic-limits.camel.yaml): plan, SLURM writes, reports to Waldur. */
    @BindToRegistry("periodicLimitSteps")
    public org.waldur.agent.periodic.PeriodicLimitSteps periodicLimitSteps() {
        return new org.waldur.agent.periodic.PeriodicLimitSteps();
    }

    /** event_process: the STOMP streams and the worker that turns their events into passes of the polling code. */
    @BindToRegistry("eventHub")
    public EventHub eventHub(@PropertyInject(value = "agent.event-process.window-ms", defaultValue = "100") long windowMs,
                             @PropertyInject(value = "agent.event-process.heartbeat-ms", defaultValue = "10000") long heartbeatMs) {
        StompEventStream.Settings d = StompEventStream.Settings.defaults();
        return new EventHub(Duration.ofMillis(windowMs), new StompEventStream.Settings(Duration.ofMillis(heartbeatMs),
                d.backoffBase(), d.backoffCap(), d.prefetch()));
    }

    @BindToRegistry("fileBackedExec")
    public FileBackedExecutor fileBackedExec() {
        return new FileBackedExecutor();
    }

    /** Only used by offerings with {@code verify_ssl: false}. */
    @BindToRegistry("trustAllTls")
    public SSLContextParameters trustAllTls() {
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setTrustManager(TrustAllCertificates.INSTANCE);
        SSLContextParameters p = new SSLContextParameters();
        p.setTrustManagers(tm);
        return p;
    }

    @BindToRegistry("noopHostnameVerifier")
    public NoopHostnameVerifier noopHostnameVerifier() {
        return NoopHostnameVerifier.INSTANCE;
    }

    /**
     * Offering, order/resource UUID and mode on every log line about an item: the agent's camel-mdc service, set up
     * here, before the routes exist (camel-main's own camel.mdc.enabled would pick the plain service before this
     * class's beans are bound). The cycle health check joins /observe/health.
     */
    @Override
    public void configure(CamelContext camelContext) {
        new AgentMdc().init(camelContext);
        HealthCheckRegistry checks = HealthCheckRegistry.get(camelContext);
        // Bound beans are made on first lookup: this one now, so the tracker hands it every completed cycle.
        CycleHealth h = camelContext.getRegistry().lookupByNameAndType("agentCycleHealth", CycleHealth.class);
        if (h != null) {
            h.setCamelContext(camelContext);
            if (checks != null) {
                checks.register(h);
            }
        }
    }
}
