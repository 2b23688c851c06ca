package org.waldur.agent;

import org.apache.camel.BeanInject;
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

/**
 * The beans the YAML routes refer to by name. The resolved configuration ({@code agentConfig}) and the
 * {@code cycles} tracker are not made here: whoever starts Camel binds them first — {@link App} from the command
 * line, the route tests from their own config file — so the configuration is resolved once and nothing is handed
 * over through static fields. Beans that need the configuration are lazy, made on first use.
 */
public class AgentBeans implements CamelConfiguration {

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

    @BindToRegistry(value = "reportSteps", lazy = true)
    public ReportSteps reportSteps(@BeanInject("agentConfig") AgentConfig config,
                                   @PropertyInject(value = "agent.fixed-now", defaultValue = "") String fixedNow) {
        // agent.fixed-now (an ISO instant) pins "now" for tests and demos of month boundaries.
        return new ReportSteps(config, fixedNow.isBlank() ? ZonedDateTime::now
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
