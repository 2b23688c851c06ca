package org.waldur.agent.events;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.CapturedLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * event_process end to end on the real RabbitMQ (examples/rabbitmq-sandbox): the fake Waldur provisions the broker
 * as Waldur does and publishes ORDER/USER_ROLE events when its marketplace changes; SLURM is the emulator.
 * Without a broker this suite is skipped, except in CI, where it fails.
 */
class EventProcessRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");
    private WaldurBroker broker;

    @Override
    protected String offeringKeys() {
        return "    stomp_enabled: true\n" + SANDBOX_WEB_STOMP;
    }

    @Override
    protected Map<String, String> extraProperties() {
        // The fake provisions the broker inside register_event_subscription (management API: slow on a busy host).
        return Map.of("agent.event-process.window-ms", "300", "agent.event-process.heartbeat-ms", "2000",
                "agent.waldur.response-timeout-ms", "20000");
    }

    @BeforeEach
    void listen() throws Exception {
        broker = WaldurBroker.require();
        waldur.attachBroker(broker);
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived(slurm);
        runCycle("event-process"); // registration, then the streams connect and queue their catch-up passes
        EventHub hub = hub();
        waitFor(() -> hub.connectedStreams() == 6, "6 streams connected (order, user_role, resource, offering_user, service_account, course_account)");
        waitFor(hub::idle, "catch-up passes done");
    }

    @AfterEach
    void dropBrokerState() {
        dropBrokerState(broker);
    }

    private EventHub hub() {
        return eventHub();
    }

    private String createOrder(String slug) {
        String resource = waldur.addResource(offering, project, slug, slug, "Creating", null, Map.of("gres/gpu", 5));
        return waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 5));
    }

    /**
     * An allocation {@code mine} in this test's project and one {@code theirs} in another project ("Physics"), both
     * made by Create orders through events; the hub idle afterwards. Returns their resource UUIDs, mine first.
     */
    private List<String> allocationHereAndInPhysics(String mine, String theirs) throws InterruptedException {
        String otherProject = waldur.addProject(customer, "Physics", "physics");
        String myOrder = createOrder(mine);
        String otherResource = waldur.addResource(offering, otherProject, theirs, theirs, "Creating", null, Map.of("gres/gpu", 1));
        String theirOrder = waldur.addOrder(offering, otherResource, "Create", "pending-provider", Map.of("gres/gpu", 1));
        waitFor(() -> "done".equals(waldur.order(myOrder).get("state")) && "done".equals(waldur.order(theirOrder).get("state")),
                "both allocations made");
        waitFor(hub()::idle, "hub idle");
        return List.of((String) waldur.order(myOrder).get("marketplace_resource_uuid"), otherResource);
    }

    private FakeWaldur.EventQueue queue(String type) {
        return waldur.eventQueues().stream().filter(q -> q.type().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void registersOneSubscriptionAndQueuePerObjectType() {
        List<String> types = waldur.eventQueues().stream().map(FakeWaldur.EventQueue::type).sorted().toList();
        assertEquals(List.of("course_account", "offering_user", "order", "resource", "service_account", "user_role"), types);
        assertEquals(1, waldur.count("POST", "/api/marketplace-site-agent-identities/"));
        assertEquals(6, waldur.count("POST", ".*/register_event_subscription/"));
        assertEquals(6, waldur.count("POST", ".*/create_queue/"));
        waldur.assertNoViolations();
    }

    @Test
    void anOrderEventIsProcessedByThePollingCodeAndAcknowledged() throws Exception {
        slurm.calls.clear();
        String order = createOrder("gpu-alloc");

        waitFor(() -> "done".equals(waldur.order(order).get("state")), "order done");
        assertTrue(slurm.accounts.containsKey("hpc_gpu-alloc"), () -> "accounts: " + slurm.accounts.keySet());
        assertEquals(Map.of("cpu", "600000", "mem", "614400", "gres/gpu", "300"), slurm.accounts.get("hpc_gpu-alloc").limits);
        FakeWaldur.EventQueue q = queue("order");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "order queue acknowledged");
        assertEquals(1, waldur.count("POST", ".*/approve_by_provider/"));
        waldur.assertNoViolations();
        MeterRegistry meters = hub().meters();
        waitFor(() -> meters.find("agent.events.processed").tag("type", "order").counter() != null, "processed counted");
        assertEquals(1.0, meters.get("agent.events.processed").tag("type", "order").counter().count());
        assertEquals(1, meters.get("agent.events.latency").tag("type", "order").timer().count());
        assertEquals(6.0, meters.get("agent.events.connected").gauge().value(), "one stream per subscribed type");
        HealthCheck check = HealthCheckRegistry.get(context).getCheck("event-streams").orElseThrow();
        assertEquals(HealthCheck.State.UP, check.call().getState());
    }

    @Test
    void aTeamChangeEventSyncsTheAllocationsMembers() throws Exception {
        String order = createOrder("team-alloc");
        waitFor(() -> "done".equals(waldur.order(order).get("state")), "allocation made");
        String user = waldur.addUser("carol", "Carol");
        waldur.addOfferingUser(offering, user, "carol", "OK");
        waldur.addTeamMember(project, user, "member"); // Waldur publishes USER_ROLE granted

        waitFor(() -> slurm.accounts.get("hpc_team-alloc").users.contains("carol"), "carol associated with the allocation");
        FakeWaldur.EventQueue q = queue("user_role");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "user_role event acknowledged");
        waldur.assertNoViolations();
    }

    @Test
    void aUsernameSetInWaldurAssociatesTheMemberFromTheOfferingUserEvent() throws Exception {
        String order = createOrder("late-alloc");
        waitFor(() -> "done".equals(waldur.order(order).get("state")), "allocation made");
        String user = waldur.addUser("dave", "Dave");
        String offeringUser = waldur.addOfferingUser(offering, user, "", "Requested");
        waldur.addTeamMember(project, user, "member"); // USER_ROLE: the pass finds no username to associate
        FakeWaldur.EventQueue roles = queue("user_role");
        waitFor(() -> broker.depth(roles.vhost(), roles.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "user_role event done");
        waitFor(hub()::idle, "its pass done");
        assertEquals(Set.of(), slurm.accounts.get("hpc_late-alloc").users, "no username yet: nobody to associate");

        waldur.setOfferingUsername(offeringUser, "dave_hpc"); // Waldur publishes OFFERING_USER username_set

        waitFor(() -> slurm.accounts.get("hpc_late-alloc").users.contains("dave_hpc"), "dave_hpc associated from the event");
        FakeWaldur.EventQueue q = queue("offering_user");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "offering_user event acknowledged");
        waldur.assertNoViolations();
    }

    /**
     * Lists of the offering's open orders (what a poll cycle starts with). The one list of executing orders before
     * set_state_done (someone may have acted meanwhile) is not counted: it is one request per pass either way.
     */
    private long openOrderLists() {
        return waldur.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/api/marketplace-orders/")
                && r.query() != null && r.query().contains("state=pending-provider")).count();
    }

    @Test
    void anOrderEventReadsThatOrderAndNeverListsTheOfferingsOrders() throws Exception {
        waldur.clearRequests();
        slurm.calls.clear();
        String order = createOrder("one-alloc");

        waitFor(() -> "done".equals(waldur.order(order).get("state")), "order done");
        waitFor(hub()::idle, "hub idle");
        assertEquals(0, openOrderLists(), "the offering's open orders are never listed");
        assertTrue(waldur.requests().stream().anyMatch(r -> r.method().equals("GET")
                && r.path().equals("/api/marketplace-orders/" + order + "/")), "the order read by its uuid");
        assertEquals(1, slurm.count("sacctmgr", "load"), "one load, as a poll cycle");
        assertEquals(1, waldur.count("POST", ".*/set_state_done/"));
        waldur.assertNoViolations();
    }

    @Test
    void aFailedPassIsCountedPerTypeAndRetriedUntilItsEventIsProcessed() throws Exception {
        MeterRegistry meters = hub().meters();
        // Waldur answers 503 to the order's read until the pass has failed (after the request's own retries)
        waldur.failMatching("GET", "/api/marketplace-orders/[0-9a-f]{32}/", 503, -1);
        String order = createOrder("retried-alloc");
        waitFor(() -> meters.find("agent.events.failed").tag("type", "order").counter() != null, "the pass failed");
        FakeWaldur.EventQueue q = queue("order"); // the management API's figures lag by seconds: wait for them
        waitFor(() -> broker.depth(q.vhost(), q.name()).unacked() >= 1, "its event still unacknowledged");
        waldur.clearFaults();

        waitFor(() -> "done".equals(waldur.order(order).get("state")), "order done by the retried pass");
        waitFor(() -> meters.find("agent.events.ignored").tag("type", "order").counter() != null, "the done event ignored");
        // the order shows done once set_state_done is posted; the pass records processed and latency after it
        waitFor(() -> meters.find("agent.events.latency").tag("type", "order").timer() != null, "the latency recorded");
        waitFor(hub()::idle, "hub idle");
        assertEquals(2.0, meters.get("agent.events.received").tag("type", "order").counter().count(),
                "pending-provider, then done (which Waldur publishes too)");
        assertEquals(1.0, meters.get("agent.events.ignored").tag("type", "order").counter().count());
        assertTrue(meters.get("agent.events.failed").tag("type", "order").counter().count() >= 1.0, "the failed pass(es)");
        assertEquals(1.0, meters.get("agent.events.processed").tag("type", "order").counter().count());
        assertEquals(1, meters.get("agent.events.latency").tag("type", "order").timer().count());
        assertEquals(1, waldur.count("POST", ".*/set_state_done/"));
    }

    @Test
    void aTeamChangeEventSyncsThatProjectsAllocationsOnly() throws Exception {
        List<String> both = allocationHereAndInPhysics("mine-alloc", "their-alloc");
        String myResource = both.get(0);
        String otherResource = both.get(1);
        waldur.clearRequests();
        slurm.calls.clear();
        String user = waldur.addUser("dave", "Dave");
        waldur.addOfferingUser(offering, user, "dave", "OK");
        waldur.addTeamMember(project, user, "member"); // USER_ROLE naming this project

        waitFor(() -> slurm.accounts.get("hpc_mine-alloc").users.contains("dave"), "dave associated with this project's allocation");
        waitFor(hub()::idle, "hub idle");
        assertFalse(slurm.accounts.get("hpc_their-alloc").users.contains("dave"));
        assertTrue(waldur.requests().stream().anyMatch(r -> r.path().equals("/api/marketplace-provider-resources/")
                && r.query().contains("project_uuid=" + project)), "Waldur asked for this project's resources");
        assertEquals(1, waldur.count("GET", ".*/" + myResource + "/team/"));
        assertEquals(0, waldur.count("GET", ".*/" + otherResource + "/team/"), "the other project's team is not read");
        assertEquals(0, waldur.count("POST", ".*/" + otherResource + "/refresh_last_sync/"));
        assertEquals(2, slurm.count("sacctmgr", "show"), "one association read and one verifying read, as a poll cycle");
        waldur.assertNoViolations();
    }

    @Test
    void serviceAndCourseAccountEventsSyncThatProjectsAllocations() throws Exception {
        String otherResource = allocationHereAndInPhysics("acct-alloc", "acct-theirs").get(1);
        waldur.clearRequests();
        slurm.calls.clear();

        String svc = waldur.addServiceAccount(project, "svc_ci"); // SERVICE_ACCOUNT "create" naming this project
        waitFor(() -> slurm.accounts.get("hpc_acct-alloc").users.contains("svc_ci"), "the service account associated");
        waldur.addCourseAccount(project, "stud1"); // COURSE_ACCOUNT "create"
        waitFor(() -> slurm.accounts.get("hpc_acct-alloc").users.contains("stud1"), "the course account associated");
        waitFor(hub()::idle, "hub idle");
        assertFalse(slurm.accounts.get("hpc_acct-theirs").users.contains("svc_ci"), "another project's allocation");
        assertEquals(0, waldur.count("GET", ".*/" + otherResource + "/team/"), "the other project is not synced");
        long lists = waldur.count("GET", ".*/list_project_service_accounts/");
        assertTrue(lists >= 1 && lists == waldur.count("GET", ".*/list_course_accounts/"), "one list of each per pass");

        waldur.setAccountState(svc, "Closed"); // SERVICE_ACCOUNT "delete"
        waitFor(() -> !slurm.accounts.get("hpc_acct-alloc").users.contains("svc_ci"), "the closed account removed");
        assertTrue(slurm.accounts.get("hpc_acct-alloc").users.contains("stud1"));
        waitFor(hub()::idle, "hub idle");
        waldur.assertNoViolations();
    }

    @Test
    void aResourceEventSyncsThatResourceOnly() throws Exception {
        String a = createOrder("res-a");
        String b = createOrder("res-b");
        waitFor(() -> "done".equals(waldur.order(a).get("state")) && "done".equals(waldur.order(b).get("state")), "allocations made");
        waitFor(hub()::idle, "hub idle");
        String ra = (String) waldur.order(a).get("marketplace_resource_uuid");
        String rb = (String) waldur.order(b).get("marketplace_resource_uuid");
        waldur.clearRequests();
        waldur.publishRaw(queue("resource"), Map.of("resource_uuid", rb, "offering_uuid", offering));

        waitFor(() -> waldur.count("POST", ".*/" + rb + "/refresh_last_sync/") == 1, "resource b synced");
        waitFor(hub()::idle, "hub idle");
        assertEquals(0, waldur.count("GET", ".*/" + ra + "/team/"), "resource a's team is not read");
        assertEquals(0, waldur.count("POST", ".*/" + ra + "/refresh_last_sync/"), "resource a is not synced");
        FakeWaldur.EventQueue q = queue("resource");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "acknowledged");
    }

    @Test
    void aBurstOfOrdersCostsThePassesOfItsWindowsNotOnePerOrder() throws Exception {
        slurm.calls.clear();
        waldur.clearRequests();
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            orders.add(createOrder("burst-" + i));
        }
        waitFor(() -> orders.stream().allMatch(o -> "done".equals(waldur.order(o).get("state"))), "12 orders done");
        waitFor(hub()::idle, "hub idle");
        long loads = slurm.count("sacctmgr", "load");
        // seeded in a few ms: the first window holds them all, unless the host stalls between two of them
        assertTrue(loads >= 1 && loads <= 2, "12 orders, one load per pass, at most 2 passes: " + loads);
        assertEquals(0, openOrderLists(), "orders read by uuid, never the offering's list");
        assertEquals(12, waldur.count("POST", ".*/set_state_done/"));
    }

    @Test
    void anEventOfAForeignOfferingIsIgnoredWithALogLineAndAcknowledged() throws Exception {
        FakeWaldur.EventQueue q = queue("order");
        String other = waldur.addOffering("Other", List.of(), Map.of());
        try (CapturedLog log = CapturedLog.attach()) {
            waldur.clearRequests();
            waldur.publishRaw(q, Map.of("order_uuid", "0123456789abcdef0123456789abcdef", "order_state", "pending-provider",
                    "offering_uuid", other));
            waitFor(() -> log.lines().stream().anyMatch(l -> l.contains("event ignored") && l.contains(other)),
                    "a log line naming the foreign offering");
            waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "acknowledged");
            assertEquals(0, waldur.count("GET", ".*/marketplace-orders/.*"), "no pass ran for it");
            assertEquals(1.0, hub().meters().get("agent.events.ignored").tag("type", "order").counter().count());
        }
    }

    @Test
    void connectionsDroppedMidBurstLeaveEveryOrderDoneOnce() throws Exception {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            orders.add(createOrder("drop-a" + i));
        }
        broker.dropConnections(queue("order").vhost());
        for (int i = 0; i < 5; i++) {
            orders.add(createOrder("drop-b" + i));
        }
        waitFor(() -> orders.stream().allMatch(o -> "done".equals(waldur.order(o).get("state"))), "10 orders done");
        waitFor(() -> hub().connectedStreams() == 6, "reconnected");
        waitFor(hub()::idle, "hub idle");
        assertEquals(10, waldur.count("POST", ".*/approve_by_provider/"), "each order approved once");
        assertEquals(10, waldur.count("POST", ".*/set_state_done/"), "each order done once");
        FakeWaldur.EventQueue q = queue("order");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "every message acknowledged");
    }

    @Test
    void aBrokerRestartedMidBurstLeavesEveryOrderDoneOnceEvenThoseWhoseEventWasLost() throws Exception {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            orders.add(createOrder("restart-a" + i));
        }
        broker.stopBroker(); // while the first orders' pass may be running: their ACKs may be lost too
        for (int i = 0; i < 4; i++) {
            orders.add(createOrder("restart-b" + i));
        }
        waitFor(() -> waldur.lostEvents() == 4, "the events of the orders placed while the broker was down lost");
        broker.startBroker();
        waitFor(() -> hub().connectedStreams() == 6, "reconnected after the restart");
        waitFor(() -> orders.stream().allMatch(o -> "done".equals(waldur.order(o).get("state"))), "8 orders done");
        waitFor(hub()::idle, "hub idle");
        assertEquals(8, waldur.count("POST", ".*/approve_by_provider/"), "each order approved once");
        assertEquals(8, waldur.count("POST", ".*/set_state_done/"), "each order done once");
        assertEquals(8, slurm.accounts.keySet().stream().filter(a -> a.startsWith("hpc_restart-")).count());
    }

    @Test
    void aConnectionLostAfterTheWorkBeforeTheAckRedeliversAndChangesNothing() throws Exception {
        FakeWaldur.EventQueue q = queue("order");
        waldur.delayMatching("POST", ".*/set_state_done/", 1500); // the last write of the pass
        String order = createOrder("no-ack");
        waitFor(() -> waldur.count("POST", ".*/set_state_done/") == 1, "the pass reached its last write");
        assertTrue(broker.dropConnections(q.vhost()) >= 1, "the streams' connections cut before the ACK");
        waitFor(() -> "done".equals(waldur.order(order).get("state")), "order done");
        waitFor(() -> hub().connectedStreams() == 6, "reconnected");
        waitFor(() -> broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), "redelivered, then acknowledged");
        waitFor(hub()::idle, "hub idle");
        waldur.clearFaults();
        assertEquals(1, waldur.count("POST", ".*/approve_by_provider/"));
        assertEquals(1, waldur.count("POST", ".*/set_state_done/"), "the redelivered event found nothing left to do");
        assertEquals(1, slurm.accounts.keySet().stream().filter(a -> a.equals("hpc_no-ack")).count());
    }

}
