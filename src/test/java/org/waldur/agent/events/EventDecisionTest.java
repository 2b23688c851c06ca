package org.waldur.agent.events;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.EventSettings;
import org.waldur.agent.config.Mode;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.Secret;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventDecisionTest {
    static final String OFFERING = "0b0c1d2e3f405162738495a6b7c8d9e0";
    static final String ORDER = "a1a2a3a4b1b2c1c2d1d2e1e2e3e4e5e6";
    static final String PROJECT = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    static final String RESOURCE = "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e";

    static OfferingConfig offering(boolean stomp, String membership, EventSettings events) {
        return new OfferingConfig("HPC", OFFERING, URI.create("https://waldur.example.org/api/"), new Secret("t"), true,
                "slurm", membership, "slurm", stomp, null, Map.of(), events);
    }

    private static final OfferingConfig O = offering(true, "slurm", EventSettings.DEFAULTS);

    @Test
    void anOrderWaitingForTheProviderIsWorkForTheOrderCode() {
        EventDecision d = EventDecision.of(O, EventType.ORDER,
                "{\"order_uuid\":\"" + ORDER + "\",\"order_state\":\"pending-provider\",\"offering_uuid\":\"0b0c1d2e-3f40-5162-7384-95a6b7c8d9e0\"}");
        assertEquals(EventDecision.Work.ORDERS, d.work());
        assertEquals(OFFERING, d.offeringUuid(), "hyphenated uuid matched");
        assertEquals(EventDecision.Work.ORDERS, EventDecision.of(O, EventType.ORDER,
                "{\"order_uuid\":\"" + ORDER + "\",\"order_state\":\"executing\",\"offering_uuid\":\"" + OFFERING + "\"}").work());
    }

    @Test
    void ordersThatNeedNothingAreIgnoredWithTheirState() {
        for (String state : List.of("done", "erred", "canceled", "rejected", "pending-consumer")) {
            EventDecision d = EventDecision.of(O, EventType.ORDER,
                    "{\"order_uuid\":\"" + ORDER + "\",\"order_state\":\"" + state + "\",\"offering_uuid\":\"" + OFFERING + "\"}");
            assertEquals(EventDecision.Work.NONE, d.work(), state);
            assertTrue(d.ignoredBecause().contains(state), d.ignoredBecause());
        }
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.ORDER,
                "{\"order_state\":\"pending-provider\",\"offering_uuid\":\"" + OFFERING + "\"}").work(), "no order uuid");
    }

    @Test
    void anotherOfferingsEventIsIgnoredAndNamed() {
        EventDecision d = EventDecision.of(O, EventType.ORDER,
                "{\"order_uuid\":\"" + ORDER + "\",\"order_state\":\"pending-provider\",\"offering_uuid\":\"ffff0000ffff0000ffff0000ffff0000\"}");
        assertEquals(EventDecision.Work.NONE, d.work());
        assertTrue(d.ignoredBecause().contains("ffff0000ffff0000ffff0000ffff0000"), d.ignoredBecause());
    }

    @Test
    void garbageIsIgnoredNotThrown() {
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.ORDER, "not json").work());
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.ORDER, "[1,2]").work());
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.ORDER, "").work());
    }

    @Test
    void anOrderEventNamesThatOrderOnly() {
        EventDecision d = EventDecision.of(O, EventType.ORDER, "{\"order_uuid\":\"a1a2a3a4-b1b2-c1c2-d1d2-e1e2e3e4e5e6\","
                + "\"order_state\":\"pending-provider\",\"offering_uuid\":\"" + OFFERING + "\"}");
        assertEquals(List.of(ORDER), d.scope().orderUuids());
        assertFalse(d.scope().whole());
    }

    @Test
    void anIdThatIsNotAUuidNeverReachesAWaldurPath() {
        EventDecision d = EventDecision.of(O, EventType.ORDER,
                "{\"order_uuid\":\"../../users\",\"order_state\":\"pending-provider\",\"offering_uuid\":\"" + OFFERING + "\"}");
        assertEquals(EventDecision.Work.NONE, d.work());
        assertTrue(d.ignoredBecause().contains("not a UUID"), d.ignoredBecause());
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.USER_ROLE, "{\"project_uuid\":\"x&state=OK\"}").work());
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.RESOURCE, "{\"resource_uuid\":\"r/../\"}").work());
    }

    @Test
    void teamResourceAndOfferingUserChangesAreWorkForTheMembershipCodeOfWhatTheyName() {
        EventDecision role = EventDecision.of(O, EventType.USER_ROLE, "{\"user_uuid\":\"u\",\"user_username\":\"alice\","
                + "\"project_uuid\":\"" + PROJECT + "\",\"granted\":true,\"offering_uuid\":\"" + OFFERING + "\"}");
        assertEquals(EventDecision.Work.MEMBERSHIP, role.work());
        assertEquals(EventScope.project(PROJECT), role.scope());
        assertEquals(EventScope.WHOLE, EventDecision.of(O, EventType.USER_ROLE, "{\"granted\":true}").scope(),
                "no project named: the whole offering");
        assertEquals(EventScope.resource(RESOURCE), EventDecision.of(O, EventType.USER_ROLE,
                "{\"project_uuid\":\"" + PROJECT + "\",\"resource_uuid\":\"" + RESOURCE + "\"}").scope(),
                "Waldur's resource-scoped resync on the role channel");
        EventDecision resource = EventDecision.of(O, EventType.RESOURCE, "{\"resource_uuid\":\"" + RESOURCE + "\"}");
        assertEquals(EventDecision.Work.MEMBERSHIP, resource.work(), "no offering_uuid: the offering whose queue delivered it");
        assertEquals(EventScope.resource(RESOURCE), resource.scope());
        EventDecision user = EventDecision.of(O, EventType.OFFERING_USER,
                "{\"offering_user_uuid\":\"x\",\"action\":\"username_set\",\"resource_backend_ids\":[\"hpc_a\",\"hpc_b\"]}");
        assertEquals(EventDecision.Work.MEMBERSHIP, user.work());
        assertEquals(EventScope.backendIds(List.of("hpc_a", "hpc_b")), user.scope());
        assertEquals(EventScope.WHOLE, EventDecision.of(O, EventType.OFFERING_USER,
                "{\"offering_user_uuid\":\"x\",\"action\":\"create\"}").scope(), "no allocation named: every team is read");
        // the message is the work: its checks (and the report of a bad one to Waldur) belong to the pass
        assertEquals(EventDecision.Work.PERIODIC_LIMITS, EventDecision.of(O, EventType.RESOURCE_PERIODIC_LIMITS, "{}").work());
    }

    @Test
    void anAccountEventSyncsItsProjectsAllocations() {
        String created = "{\"account_uuid\":\"" + ORDER + "\",\"account_username\":\"svc_ci\",\"scope_type\":\"project\","
                + "\"project_uuid\":\"" + PROJECT + "\",\"project_name\":\"P\",\"action\":\"create\"}";
        for (EventType t : List.of(EventType.SERVICE_ACCOUNT, EventType.COURSE_ACCOUNT)) {
            EventDecision d = EventDecision.of(O, t, created);
            assertEquals(EventDecision.Work.MEMBERSHIP, d.work());
            assertEquals(EventScope.project(PROJECT), d.scope());
            assertEquals(OFFERING, d.offeringUuid(), "no offering_uuid: the offering whose queue delivered it");
            assertEquals(EventScope.project(PROJECT), EventDecision.of(O, t, created.replace("create", "delete")).scope(),
                    "a removal too: the list read by the pass says the account is gone");
        }
        assertEquals(EventScope.WHOLE, EventDecision.of(O, EventType.SERVICE_ACCOUNT, "{\"action\":\"create\"}").scope());
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.COURSE_ACCOUNT,
                "{\"project_uuid\":\"../../x\",\"action\":\"create\"}").work(), "never reaches a Waldur query");
        assertEquals(EventDecision.Work.NONE, EventDecision.of(O, EventType.SERVICE_ACCOUNT,
                "{\"project_uuid\":\"" + PROJECT + "\",\"offering_uuid\":\"" + ORDER + "\"}").work(), "another offering's");
    }

    @Test
    void subscribesToOrdersAndMembershipUnlessMembershipStaysOnPolling() {
        assertEquals(List.of(EventType.ORDER, EventType.USER_ROLE, EventType.RESOURCE, EventType.OFFERING_USER,
                        EventType.SERVICE_ACCOUNT, EventType.COURSE_ACCOUNT),
                EventType.forOffering(O, false), "accounts with membership, as the reference (service_accounts_sync_enabled defaults to true)");
        OfferingConfig noAccounts = new OfferingConfig("HPC", OFFERING, URI.create("https://waldur.example.org/api/"), new Secret("t"),
                true, "slurm", "slurm", "slurm", true, null, Map.of(), null, EventSettings.DEFAULTS, false);
        assertEquals(List.of(EventType.ORDER, EventType.USER_ROLE, EventType.RESOURCE, EventType.OFFERING_USER),
                EventType.forOffering(noAccounts, false), "service_accounts_sync_enabled: false");
        assertEquals(EventType.SERVICE_ACCOUNT, EventType.ofQueue("subscription_a_offering_b_service_account").orElseThrow());
        assertEquals(EventType.COURSE_ACCOUNT, EventType.ofQueue("subscription_a_offering_b_course_account").orElseThrow());
        OfferingConfig pollMembers = offering(true, "slurm", new EventSettings(null, null, "/rmqws-stomp", true, false));
        assertEquals(List.of(EventType.ORDER), EventType.forOffering(pollMembers, false));
        assertEquals(List.of(EventType.ORDER, EventType.RESOURCE_PERIODIC_LIMITS), EventType.forOffering(pollMembers, true));
        assertEquals(EventType.USER_ROLE, EventType.ofQueue("subscription_a_offering_b_user_role").orElseThrow());
    }

    @Test
    void aStompOfferingIsPolledUnlessEventProcessRunsInThisProcess() {
        assertFalse(O.handles(Mode.ORDER_PROCESS, true));
        assertFalse(O.handles(Mode.MEMBERSHIP_SYNC, true));
        assertTrue(O.handles(Mode.ORDER_PROCESS, false), "never left unserved");
        assertTrue(O.handles(Mode.MEMBERSHIP_SYNC, false));
        assertTrue(O.handles(Mode.EVENT_PROCESS, true));
        OfferingConfig pollMembers = offering(true, "slurm", new EventSettings(null, null, "/rmqws-stomp", true, false));
        assertTrue(pollMembers.handles(Mode.MEMBERSHIP_SYNC, true), "stomp_membership_sync_enabled: false");
        OfferingConfig plain = offering(false, "slurm", EventSettings.DEFAULTS);
        assertTrue(plain.handles(Mode.ORDER_PROCESS, true));
        assertFalse(plain.handles(Mode.EVENT_PROCESS, true), "no stomp_enabled: nothing to listen to");
    }

    @Test
    void theWebSocketUrlFollowsTheApiHostNotItsPort() {
        URI api = URI.create("https://waldur.example.org:8443/api/");
        assertEquals("wss://waldur.example.org:443/rmqws-stomp", EventSettings.DEFAULTS.webSocketUrl(api).toString());
        assertEquals("ws://127.0.0.1:15674/ws",
                new EventSettings("127.0.0.1", 15674, "/ws", false, true).webSocketUrl(api).toString());
        assertEquals("ws://waldur.example.org:80/stomp",
                new EventSettings(null, null, "stomp", false, true).webSocketUrl(api).toString());
    }
}
