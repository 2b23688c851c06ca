package org.waldur.agent.periodic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.events.EventHub;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Periodic limits end to end on the real RabbitMQ (examples/rabbitmq-sandbox): the fake Waldur publishes
 * RESOURCE_PERIODIC_LIMITS as Waldur's policy does and takes the agent's report-command-result (both validated
 * against the 8.0.5 schema); SLURM is the emulator, so the processes a burst costs can be counted.
 */
class PeriodicLimitsRouteTest extends AgentRouteTestSupport {
    @Override
    protected Duration asyncWait() {
        return Duration.ofSeconds(40);
    }

    private static final int ALLOCATIONS = 20;
    private final String project = waldur.addProject(waldur.addCustomer("University of Tartu", "uni-tartu"), "Climate", "climate");
    private final String policy = waldur.addPeriodicPolicy(offering);
    private final List<String> resources = new ArrayList<>();
    private WaldurBroker broker;

    @Override
    protected String backendSettings() {
        return super.backendSettings() + """
                  periodic_limits:
                    enabled: true
                    limit_type: "GrpTRESMins"
            """;
    }

    @Override
    protected String offeringKeys() {
        return "    stomp_enabled: true\n" + SANDBOX_WEB_STOMP;
    }

    @Override
    protected Map<String, String> extraProperties() {
        // a window long enough that a burst of 20 published back to back is one pass on a busy host
        return Map.of("agent.event-process.window-ms", "1500", "agent.event-process.heartbeat-ms", "2000",
                "agent.waldur.response-timeout-ms", "20000");
    }

    @BeforeEach
    void allocationsAndListen() throws Exception {
        FakeSlurm.Acct proj = new FakeSlurm.Acct();
        proj.parent = "root";
        slurm.accounts.put("hpc_climate", proj);
        for (int n = 1; n <= ALLOCATIONS; n++) {
            FakeSlurm.Acct a = new FakeSlurm.Acct();
            a.parent = "hpc_climate";
            a.limits.put("cpu", "600000");
            a.rawUsage = 1234;
            slurm.accounts.put("hpc_alloc" + n, a);
            resources.add(waldur.addResource(offering, project, "alloc" + n, "alloc" + n, "OK", "hpc_alloc" + n, Map.of("cpu", 10)));
        }
        broker = WaldurBroker.require();
        waldur.attachBroker(broker);
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(slurm);
        runCycle("event-process");
        EventHub hub = hub();
        waitFor(() -> hub.connectedStreams() == 7,
                "7 streams connected (order, user_role, resource, offering_user, service_account, course_account, periodic limits)");
        waitFor(hub::idle, "catch-up passes done");
    }

    @AfterEach
    void dropBrokerState() {
        dropBrokerState(broker);
    }

    private EventHub hub() {
        return eventHub();
    }

    private static Map<String, Object> settings(int fairshare, int billing, boolean reset) {
        return Map.of("fairshare", fairshare, "limit_type", "GrpTRESMins", "grp_tres_mins", Map.of("billing", billing),
                "reset_raw_usage", reset, "qos_threshold", Map.of("billing", billing), "grace_limit", Map.of("billing", billing * 1.2));
    }

    private FakeWaldur.EventQueue queue() {
        return waldur.eventQueues().stream().filter(q -> q.type().equals("resource_periodic_limits")).findFirst().orElseThrow();
    }

    /** Publishes one message per resource, waits for every report and the acknowledgements; the SLURM processes run. */
    private long burst(List<String> to, int fairshare, int billing) throws Exception {
        int before = waldur.periodicCommandResults().size();
        long calls = slurm.total();
        to.forEach(r -> waldur.publishPeriodicLimits(policy, r, settings(fairshare, billing, true)));
        waitFor(() -> waldur.periodicCommandResults().size() == before + to.size(), to.size() + " report(s)");
        FakeWaldur.EventQueue q = queue();
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "messages acknowledged");
        waitFor(hub()::idle, "hub idle");
        return slurm.total() - calls;
    }

    @Test
    void subscribesToPeriodicLimitsNextToOrdersAndMembership() {
        assertEquals(List.of("course_account", "offering_user", "order", "resource", "resource_periodic_limits",
                        "service_account", "user_role"),
                waldur.eventQueues().stream().map(FakeWaldur.EventQueue::type).sorted().toList());
        waldur.assertNoViolations();
    }

    @Test
    void aBurstOfTwentyCostsTheSlurmProcessesOfOne() throws Exception {
        long one = burst(resources.subList(0, 1), 500, 60000);
        assertEquals("500", slurm.accounts.get("hpc_alloc1").fairshare);
        assertEquals(Map.of("billing", "60000", "cpu", "600000"), slurm.accounts.get("hpc_alloc1").limits, "cpu kept, billing added");
        assertEquals(0, slurm.accounts.get("hpc_alloc1").rawUsage);
        assertEquals("1", slurm.accounts.get("hpc_alloc2").fairshare, "the others untouched");

        long twenty = burst(resources, 700, 72000);
        for (int n = 1; n <= ALLOCATIONS; n++) {
            FakeSlurm.Acct a = slurm.accounts.get("hpc_alloc" + n);
            assertEquals("700", a.fairshare, "hpc_alloc" + n);
            assertEquals("72000", a.limits.get("billing"), "hpc_alloc" + n);
            assertEquals(0, a.rawUsage, "hpc_alloc" + n);
        }
        // read + load + RawUsage reset + verifying read, whatever the number of messages
        assertEquals(4, one);
        assertEquals(one, twenty, "20 messages cost the processes of 1");

        List<Map<String, Object>> reports = waldur.periodicCommandResults();
        assertEquals(21, reports.size());
        assertTrue(reports.stream().allMatch(r -> Boolean.TRUE.equals(r.get("success")) && policy.equals(r.get("policy_uuid"))), reports::toString);
        Map<String, Object> last = reports.get(reports.size() - 1);
        @SuppressWarnings("unchecked")
        List<String> commands = (List<String>) last.get("commands_executed");
        assertEquals(2, commands.size(), commands::toString);
        assertTrue(commands.get(0).contains("load file=/dev/stdin <<< Account - '" + "hpc_alloc") && commands.get(0).contains(":Fairshare='700':GrpTRESMins='billing=72000'"), commands::toString);
        assertTrue(commands.get(1).contains("set RawUsage=0"), commands::toString);
        waldur.assertNoViolations();
    }

    @Test
    void settingsSlurmAlreadyHoldsAreNotWrittenAgain() throws Exception {
        burst(resources.subList(0, 1), 500, 60000);
        long calls = slurm.total();
        waldur.publishPeriodicLimits(policy, resources.get(0), Map.of("fairshare", 500, "grp_tres_mins", Map.of("billing", 60000)));
        waitFor(() -> waldur.periodicCommandResults().size() == 2, "the second report");
        waitFor(hub()::idle, "hub idle");
        assertEquals(1, slurm.total() - calls, "one read, no write, nothing to verify");
        assertEquals(List.of(), waldur.periodicCommandResults().get(1).get("commands_executed"));
        assertEquals(true, waldur.periodicCommandResults().get(1).get("success"));
    }

    @Test
    void slurmDownIsRetriedWithTheMessageUnacknowledgedThenApplied() throws Exception {
        slurm.outageWhen(argv -> true);
        waldur.publishPeriodicLimits(policy, resources.get(2), settings(300, 1000, false));
        FakeWaldur.EventQueue q = queue();
        waitFor(() -> broker.depth(q.vhost(), q.name()).unacked() >= 1 && slurm.total() > 0, "the pass failed, its message held");
        Thread.sleep(1500);
        assertEquals(0, waldur.periodicCommandResults().size(), "no verdict while SLURM is away: not an error");
        slurm.outageWhen(argv -> false);

        waitFor(() -> waldur.periodicCommandResults().size() == 1, "reported after SLURM came back");
        assertEquals(true, waldur.periodicCommandResults().get(0).get("success"));
        assertEquals("300", slurm.accounts.get("hpc_alloc3").fairshare);
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "acknowledged");
        waldur.assertNoViolations();
    }

    @Test
    void waldurFailingTheReportRetriesThePassAndStillReportsTheCommandsOfTheFirst() throws Exception {
        // 5xx beyond the agent's own request retries (2): the pass fails once; the retry finds SLURM already right
        waldur.failMatching("POST", ".*/report-command-result/", 503, 3);
        long loads = slurm.count("sacctmgr", "load");
        waldur.publishPeriodicLimits(policy, resources.get(3), settings(400, 2000, false));
        waitFor(() -> waldur.periodicCommandResults().size() == 1, "reported once Waldur answers");
        Map<String, Object> r = waldur.periodicCommandResults().get(0);
        assertEquals(true, r.get("success"));
        assertEquals(1, ((List<?>) r.get("commands_executed")).size(), r::toString);
        assertEquals(1, slurm.count("sacctmgr", "load") - loads, "written once");
        assertEquals(4, waldur.count("POST", ".*/report-command-result/"), "3 answered 503, the 4th accepted");
        FakeWaldur.EventQueue q = queue();
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "acknowledged");
    }

    @Test
    void whatSlurmRefusesForOneAccountIsThatAccountsReportedFailure() throws Exception {
        waldur.publishPeriodicLimits(policy, resources.get(4), Map.of("grp_tres_mins", Map.of("gres/nosuch", 5)));
        waldur.publishPeriodicLimits(policy, resources.get(5), Map.of("fairshare", 42));
        waitFor(() -> waldur.periodicCommandResults().size() == 2, "both reported");
        Map<String, Object> bad = waldur.periodicCommandResults().stream()
                .filter(m -> m.get("resource_uuid").equals(resources.get(4))).findFirst().orElseThrow();
        assertEquals(false, bad.get("success"));
        assertTrue(((String) bad.get("error_message")).contains("no TRES known by type gres/nosuch"), bad::toString);
        assertEquals("42", slurm.accounts.get("hpc_alloc6").fairshare, "the neighbour applied");
        FakeWaldur.EventQueue q = queue();
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "both acknowledged");
        waldur.assertNoViolations();
    }

}
