package org.waldur.agent;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.waldur.agent.accounting.ReportSteps;
import org.waldur.agent.accounts.OrderSteps;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigResolver;
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
import org.waldur.agent.waldur.WaldurRequest;

import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * The beans the YAML routes refer to by name. The configuration is resolved here from {@code agent.config-file}
 * (or the 0.2.x environment) so that the agent and its route tests boot the same way.
 */
public class AgentBeans implements CamelConfiguration {
    /** Set by {@link App} before the context starts: what --once waits for, and how to stop. */
    static volatile Set<Mode> onceModes = EnumSet.noneOf(Mode.class);
    static volatile Runnable onAllCyclesDone;
    /** The tracker of the running agent, for App's exit code after the context is gone. */
    static volatile CycleTracker tracker;

    private AgentConfig config;

    @BindToRegistry("agentConfig")
    public AgentConfig agentConfig(@PropertyInject(value = "agent.config-file", defaultValue = "") String file) {
        if (config == null) {
            config = ConfigResolver.resolve(file, System.getenv());
        }
        return config;
    }

    @BindToRegistry("cycles")
    public CycleTracker cycles(@PropertyInject(value = "agent.config-file", defaultValue = "") String file,
                               @PropertyInject(value = "agent.event-process.enabled", defaultValue = "false") boolean events) {
        tracker = new CycleTracker(agentConfig(file), onceModes, onAllCyclesDone);
        tracker.setEventProcessRunning(events);
        return tracker;
    }

    @BindToRegistry("slurmExec")
    public SlurmExec slurmExec(@PropertyInject(value = "agent.dry-run", defaultValue = "false") boolean dryRun) {
        return new SlurmExec(dryRun);
    }

    @BindToRegistry("waldurRequest")
    public WaldurRequest waldurRequest() {
        return new WaldurRequest("waldur-camel-agent/" + App.version());
    }

    @BindToRegistry("linkPager")
    public LinkPager linkPager() {
        return new LinkPager();
    }

    @BindToRegistry("orderSteps")
    public OrderSteps orderSteps() {
        return new OrderSteps();
    }

    /** With the home directories made or found, remembered for the life of the process (gh-15). */
    @BindToRegistry("membershipSteps")
    public MembershipSteps membershipSteps() {
        return new MembershipSteps(new HomeDirs());
    }

    @BindToRegistry("membershipWrites")
    public MembershipWrites membershipWrites(@PropertyInject(value = "agent.membership-sync.job-wait-polls", defaultValue = "15") int polls) {
        return new MembershipWrites(polls);
    }

    @BindToRegistry("reportSteps")
    public ReportSteps reportSteps(@PropertyInject(value = "agent.config-file", defaultValue = "") String file,
                                   @PropertyInject(value = "agent.fixed-now", defaultValue = "") String fixedNow) {
        // agent.fixed-now (an ISO instant) pins "now" for tests and demos of month boundaries.
        return new ReportSteps(agentConfig(file), fixedNow.isBlank() ? ZonedDateTime::now
                : () -> ZonedDateTime.ofInstant(Instant.parse(fixedNow), ZoneOffset.UTC));
    }

    @BindToRegistry("eventSetup")
    public EventSetup eventSetup() {
        return new EventSetup("waldur-camel-agent " + App.version());
    }

    /** event_process: the STOMP streams and the worker that turns their events into passes of the polling code. */
    @BindToRegistry("eventHub")
    public EventHub eventHub(@PropertyInject(value = "agent.event-process.window-ms", defaultValue = "200") long windowMs,
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
        tm.setTrustManager(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        SSLContextParameters p = new SSLContextParameters();
        p.setTrustManagers(tm);
        return p;
    }

    @BindToRegistry("noopHostnameVerifier")
    public NoopHostnameVerifier noopHostnameVerifier() {
        return NoopHostnameVerifier.INSTANCE;
    }

    @Override
    public void configure(CamelContext camelContext) {
    }
}
