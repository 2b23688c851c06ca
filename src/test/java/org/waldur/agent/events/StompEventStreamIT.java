package org.waldur.agent.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.config.Secret;
import org.waldur.agent.fake.WaldurBroker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The STOMP-over-WebSocket client against the real RabbitMQ of examples/rabbitmq-sandbox (Web-STOMP). */
class StompEventStreamIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private WaldurBroker broker;
    private final String vhost = hex();
    private final String login = hex();
    private final String token = "token-" + hex();
    private final String queue = "subscription_" + login + "_offering_" + hex() + "_order";
    private final BlockingQueue<StompEventStream.Delivery> received = new LinkedBlockingQueue<>();
    private StompEventStream stream;

    @BeforeEach
    void provision() {
        broker = WaldurBroker.require();
        broker.provisionSubscription(vhost, login, token);
        broker.declareQueue(vhost, queue);
    }

    @AfterEach
    void cleanUp() {
        if (stream != null) {
            stream.close();
        }
        if (broker != null) {
            broker.deleteVhost(vhost);
            broker.deleteUser(login);
        }
    }

    private StompEventStream open(String passcode) {
        StompEventStream.Target t = new StompEventStream.Target(URI.create(WaldurBroker.WEB_STOMP), vhost, login,
                new Secret(passcode), true, List.of(queue));
        StompEventStream.Settings s = new StompEventStream.Settings(Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofMillis(400), 100);
        stream = new StompEventStream(t, s, new StompEventStream.Listener() {
            @Override
            public void connected(StompEventStream st) {
            }

            @Override
            public void received(StompEventStream.Delivery d) {
                received.add(d);
            }
        });
        stream.start();
        return stream;
    }

    @Test
    void messageStaysWithTheBrokerUntilAcknowledged() throws Exception {
        open(token);
        waitFor(stream::isConnected, "connected");
        assertTrue(broker.publish(vhost, queue, Map.of("order_uuid", "a1", "order_state", "pending-provider")));
        StompEventStream.Delivery d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(d, "message delivered");
        assertTrue(d.body.contains("\"order_uuid\":\"a1\""), d.body);
        assertEquals(queue, d.queue);
        assertFalse(d.redelivered);
        waitFor(() -> broker.depth(vhost, queue).equals(new WaldurBroker.QueueDepth(0, 1)), "one unacked message");
        assertTrue(d.ack());
        waitFor(() -> broker.depth(vhost, queue).equals(new WaldurBroker.QueueDepth(0, 0)), "queue empty after ACK");
    }

    @Test
    void droppedConnectionComesBackAndRedeliversWhatWasNotAcknowledged() throws Exception {
        open(token);
        waitFor(stream::isConnected, "connected");
        broker.publish(vhost, queue, Map.of("order_uuid", "b1"));
        StompEventStream.Delivery first = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(1, broker.dropConnections(vhost));
        waitFor(() -> stream.connections() == 2 && stream.isConnected(), "reconnected");
        StompEventStream.Delivery again = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(again, "redelivered on the new connection");
        assertEquals(first.body, again.body);
        assertTrue(again.redelivered);
        assertFalse(first.ack(), "an ACK on the dead session cannot succeed");
        assertTrue(again.ack());
        waitFor(() -> broker.depth(vhost, queue).equals(new WaldurBroker.QueueDepth(0, 0)), "queue empty");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing else delivered");
    }

    @Test
    void nackGivesTheMessageBack() throws Exception {
        open(token);
        waitFor(stream::isConnected, "connected");
        broker.publish(vhost, queue, Map.of("order_uuid", "c1"));
        StompEventStream.Delivery d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(d);
        assertTrue(d.nack());
        StompEventStream.Delivery again = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(again, "requeued and delivered again");
        assertTrue(again.redelivered);
        again.ack();
    }

    @Test
    void refusedLoginKeepsRetryingWithoutConnecting() throws Exception {
        open("wrong-token");
        Thread.sleep(1500); // several attempts at 100..400 ms
        assertFalse(stream.isConnected());
        assertEquals(0, stream.connections());
        assertEquals(0, broker.connectionCount(vhost));
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
