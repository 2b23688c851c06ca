package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.apel.TestCa;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;

import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** event_process run from the distribution against the real SLURM and the real RabbitMQ. */
class EventProcessIT {

    @Test
    void anOrderPlacedBecomesASlurmAccountFromItsEvent() throws Exception {
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            assertFalse(rig.output().contains("does not run in this process"), "no polling fallback warning with -m event_process");
            String order = rig.order("alpha");
            rig.waitFor(() -> rig.done(order), 60_000, "order done");
            Map<String, RealSlurm.Assoc> slurm = RealSlurm.associations();
            assertEquals("evp_climate", slurm.get("eva_alpha").parent);
            assertEquals(Map.of("cpu", 600000L, "mem", 614400L, "gres/gpu", 120L), ItSupport.limits(slurm.get("eva_alpha").limits));
            FakeWaldur.EventQueue q = rig.orderQueue();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), 30_000,
                    "the event acknowledged");
            rig.waldur.assertNoViolations();
        }
    }

    @Test
    void pausingAResourceInWaldurPausesItsAccountFromTheResourceEvent() throws Exception {
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            String order = rig.order("gamma");
            rig.waitFor(() -> rig.done(order), 60_000, "order done");
            String resource = (String) rig.waldur.order(order).get("marketplace_resource_uuid");
            assertEquals("normal", RealSlurm.associations().get("eva_gamma").qos);

            // no poll runs in between (reconciliation is hourly): only the RESOURCE event the fake publishes can do it
            rig.waldur.setResourceFlags(resource, true, false, false);
            rig.waitFor(() -> "paused".equals(RealSlurm.associations().get("eva_gamma").qos), 60_000, "account paused in SLURM");
            rig.waitFor(() -> Map.of("qos", "paused").equals(rig.waldur.resource(resource).get("backend_metadata")), 30_000,
                    "the QoS reported to Waldur");
            rig.waldur.setResourceFlags(resource, false, false, false);
            rig.waitFor(() -> "normal".equals(RealSlurm.associations().get("eva_gamma").qos), 60_000, "account restored in SLURM");
            FakeWaldur.EventQueue q = rig.waldur.eventQueues().stream().filter(e -> e.type().equals("resource")).findFirst().orElseThrow();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), 30_000,
                    "both events acknowledged");
            rig.waldur.assertNoViolations();
        }
    }

    @Test
    void aServiceAccountBecomesASlurmUserFromItsEventAndLeavesWhenClosed() throws Exception {
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            String order = rig.order("delta");
            rig.waitFor(() -> rig.done(order), 60_000, "order done");

            // no poll runs in between (reconciliation is hourly): only the SERVICE_ACCOUNT events can do it
            String account = rig.waldur.addServiceAccount(rig.project, "evsvc_ci");
            rig.waitFor(() -> RealSlurm.associations().get("eva_delta").users.contains("evsvc_ci"), 60_000,
                    "the service account is a SLURM user of the project's allocation");
            rig.waldur.setAccountState(account, "Closed");
            rig.waitFor(() -> !RealSlurm.associations().get("eva_delta").users.contains("evsvc_ci"), 60_000,
                    "the closed service account removed");
            FakeWaldur.EventQueue q = rig.waldur.eventQueues().stream().filter(e -> e.type().equals("service_account"))
                    .findFirst().orElseThrow();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), 30_000,
                    "both events acknowledged");
            rig.waldur.assertNoViolations();
        }
    }

    @Test
    void anAgentKilledAfterTheWorkBeforeTheAckGetsTheEventAgainAndChangesNothing() throws Exception {
        try (EventRig rig = new EventRig()) {
            rig.startAgent();
            // set_state_done is the pass's last write: the fake applies it after the delay, whether or not the
            // agent is still there to read the answer, and the agent acknowledges only after the answer.
            rig.waldur.delayMatching("POST", ".*/set_state_done/", 3000);
            String order = rig.order("beta");
            rig.waitFor(() -> rig.waldur.count("POST", ".*/set_state_done/") == 1, 60_000, "the pass's last write in flight");
            rig.killAgent();
            rig.waitFor(() -> rig.done(order), 10_000, "order done by the write the killed agent sent");
            FakeWaldur.EventQueue q = rig.orderQueue();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).ready() >= 1, 30_000, "the unacknowledged event back in the queue");
            rig.waldur.clearFaults();

            rig.startAgent();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), 60_000,
                    "redelivered and acknowledged");
            rig.waitFor(() -> rig.count("event redelivered: order " + order) == 1, 30_000, "the event redelivered");
            assertEquals(1, rig.waldur.count("POST", ".*/approve_by_provider/"), "approved once");
            assertEquals(1, rig.waldur.count("POST", ".*/set_state_done/"), "done once: the redelivered event found nothing to do");
            assertTrue(RealSlurm.associations().containsKey("eva_beta"));
            assertEquals(1, rig.waldur.count("POST", "/api/marketplace-site-agent-identities/"),
                    "the restarted agent found its identity");
        }
    }

    @Test
    void overWssTheStreamsVerifyTheBrokerWithTheTrustStoreTheApiUses() throws Exception {
        TestCa ca = new TestCa(Files.createTempDirectory("event-ca"));
        try (EventRig rig = new EventRig()) {
            rig.behindTls(ca, ca, ca);
            rig.startAgent();
            assertTrue(rig.output().contains("on wss://localhost:"), "the streams use wss");
            String order = rig.order("tls");
            rig.waitFor(() -> rig.done(order), 60_000, "order done from its event over wss");
            assertTrue(RealSlurm.associations().containsKey("eva_tls"));
            rig.waldur.assertNoViolations();
        }
    }

    @Test
    void aBrokerCertificateOfAnotherCaIsRefusedWithAClearError() throws Exception {
        TestCa ca = new TestCa(Files.createTempDirectory("event-ca"));
        TestCa stranger = new TestCa(Files.createTempDirectory("event-ca"));
        try (EventRig rig = new EventRig()) {
            rig.behindTls(ca, stranger, ca); // the API's certificate is trusted, the broker's is not
            rig.launchAgent();
            rig.waitFor(() -> rig.count("TLS certificate is not trusted") >= 6, 120_000, "each of the six streams refusing the broker");
            assertTrue(rig.output().contains("SSLHandshakeException: PKIX path"), "the JVM's own reason is kept");
            assertTrue(rig.output().contains("javax.net.ssl.trustStore"), "the setting to change is named");
            assertEquals(6, rig.waldur.count("POST", ".*/register_event_subscription/"), "the API was verified and trusted (one subscription per type)");
            assertFalse(rig.output().contains("event stream connected"), "never connected to an untrusted broker");
        }
    }
}
