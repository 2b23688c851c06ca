package org.waldur.agent.periodic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.events.EventHub;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An offering with periodic limits that no event_process serves (here: no stomp_enabled; the launcher turns the
 * listener on for order_process/membership_sync): the agent still subscribes to RESOURCE_PERIODIC_LIMITS alone,
 * with no catch-up pass of orders or membership (polling serves those), and applies what arrives.
 */
class PeriodicLimitsWithoutEventProcessRouteTest extends AgentRouteTestSupport {
    @Override
    protected Duration asyncWait() {
        return Duration.ofSeconds(40);
    }

    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");
    private final String policy = waldur.addPeriodicPolicy(offering);
    /** Attached before Camel starts: the listener's timer fires as soon as it does. */
    private final WaldurBroker broker = attachBroker();

    @Override
    protected String backendSettings() {
        return super.backendSettings() + """
                  periodic_limits:
                    enabled: true
                    limit_type: "MaxTRESMins"
            """;
    }

    @Override
    protected String offeringKeys() {
        return SANDBOX_WEB_STOMP;
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.periodic-limits-listen.enabled", "true", "agent.event-process.heartbeat-ms", "2000",
                "agent.waldur.response-timeout-ms", "20000");
    }

    private WaldurBroker attachBroker() {
        WaldurBroker b = WaldurBroker.require();
        waldur.attachBroker(b);
        return b;
    }

    @AfterEach
    void dropBrokerState() {
        dropBrokerState(broker);
    }

    private EventHub hub() {
        return eventHub();
    }

    @Test
    void subscribesToPeriodicLimitsAloneAndAppliesThem() throws Exception {
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(slurm);
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_alloc", a);
        String resource = waldur.addResource(offering, project, "alloc", "alloc", "OK", "hpc_alloc", Map.of("cpu", 10));

        waitFor(() -> hub().connectedStreams() == 1, "one stream connected");
        assertEquals(List.of("resource_periodic_limits"), waldur.eventQueues().stream().map(FakeWaldur.EventQueue::type).toList());
        waldur.publishPeriodicLimits(policy, resource, Map.of("fairshare", 250, "max_tres_mins", Map.of("billing", 3000)));

        waitFor(() -> waldur.periodicCommandResults().size() == 1, "reported");
        assertEquals(true, waldur.periodicCommandResults().get(0).get("success"));
        assertEquals("250", slurm.accounts.get("hpc_alloc").fairshare);
        assertEquals(Map.of("billing", "3000"), slurm.accounts.get("hpc_alloc").maxTresMins, "the configured limit type");
        assertEquals(0, waldur.count("GET", "/api/marketplace-orders/"), "no catch-up pass of orders: polling serves them");
        assertEquals(0, waldur.count("GET", "/api/marketplace-provider-resources/"), "nor of membership");
        waldur.assertNoViolations();
    }

}
