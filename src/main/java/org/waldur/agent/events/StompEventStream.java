package org.waldur.agent.events;

import jakarta.websocket.WebSocketContainer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.websocket.jakarta.client.JakartaWebSocketClientContainerProvider;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.waldur.agent.config.Secret;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One STOMP 1.2 connection over WebSocket to Waldur's RabbitMQ (its Web-STOMP plugin), subscribed to the queues
 * of one event subscription, kept open for the life of the agent.
 *
 * <p>Spring's {@link WebSocketStompClient} speaks STOMP (frames, heart-beats, ACK); Jetty's JSR-356 client
 * carries the WebSocket, with TLS verified against the JVM's trust store and the host name checked unless the
 * offering says {@code verify_ssl: false} — as for the REST API.
 *
 * <p>Subscriptions use {@code ack:client-individual}: the broker keeps every message until {@link Delivery#ack()}
 * after its work is done, and redelivers it to the next connection if this one drops first. The reference agent
 * used {@code ack:auto} and lost the events in flight at a crash. A lost connection is retried for ever with
 * {@link Backoff}; {@link Listener#connected()} runs after each (re)connection so the caller can catch up on
 * what was published while nobody listened.
 */
public final class StompEventStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StompEventStream.class);

    /**
     * Where to connect and what to read. {@code vhost} is the subscription's user UUID, {@code login} the
     * subscription UUID, {@code passcode} the API token (how Waldur provisions its broker).
     */
    public record Target(URI url, String vhost, String login, Secret passcode, boolean verifyTls, List<String> queues) {
        @Override
        public String toString() {
            return url + " vhost " + vhost + " login " + login + " queues " + queues;
        }
    }

    public record Settings(Duration heartbeat, Duration backoffBase, Duration backoffCap, int prefetch) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60), 1000);
        }
    }

    public interface Listener {
        /** After each successful CONNECT and SUBSCRIBE (the first and every reconnection). */
        void connected(StompEventStream stream);

        /** One message; the listener owns it until it calls ack or nack. Called on the connection's thread. */
        void received(Delivery delivery);
    }

    /** One message as delivered, with the session it must be acknowledged on. */
    public static final class Delivery {
        private final StompSession session;
        private final String ackId;
        public final String queue;
        public final String body;
        public final boolean redelivered;

        Delivery(StompSession session, String ackId, String queue, String body, boolean redelivered) {
            this.session = session;
            this.ackId = ackId;
            this.queue = queue;
            this.body = body;
            this.redelivered = redelivered;
        }

        /** The work is done: the broker may forget the message. False if the connection is gone (it comes back). */
        public boolean ack() {
            return send(true);
        }

        /** Give the message back now (RabbitMQ requeues it). */
        public boolean nack() {
            return send(false);
        }

        private boolean send(boolean consumed) {
            try {
                session.acknowledge(ackId, consumed);
                return true;
            } catch (RuntimeException e) {
                LOG.warn("could not {} a message of {} ({}); the broker will redeliver it",
                        consumed ? "ACK" : "NACK", queue, e.toString());
                return false;
            }
        }
    }

    private final Target target;
    private final Settings settings;
    private final Listener listener;
    private final Backoff backoff;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final HttpClient http;
    private final WebSocketContainer container;
    private final WebSocketStompClient stomp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reconnectPending = new AtomicBoolean();
    private final AtomicInteger attempt = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile StompSession session;

    public StompEventStream(Target target, Settings settings, Listener listener) {
        this.target = target;
        this.settings = settings;
        this.listener = listener;
        this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap(), () -> ThreadLocalRandom.current().nextDouble());
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("stomp-" + target.login().substring(0, Math.min(8, target.login().length())) + "-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        http = new HttpClient(new HttpClientTransportOverHTTP(connector(target.verifyTls())));
        container = JakartaWebSocketClientContainerProvider.getContainer(http);
        stomp = new WebSocketStompClient(new SerialSendWebSocketClient(new StandardWebSocketClient(container)));
        long hb = settings.heartbeat().toMillis();
        stomp.setDefaultHeartbeat(new long[]{hb, hb});
        stomp.setTaskScheduler(scheduler);
    }

    /** TLS as for the API: the JVM's trust store and host-name verification, or neither with verify_ssl off. */
    static ClientConnector connector(boolean verifyTls) {
        SslContextFactory.Client tls = new SslContextFactory.Client(!verifyTls);
        tls.setEndpointIdentificationAlgorithm(verifyTls ? "HTTPS" : null);
        ClientConnector c = new ClientConnector();
        c.setSslContextFactory(tls);
        return c;
    }

    /** Connects in the background; failures are retried until {@link #close()}. */
    public void start() {
        connect();
    }

    public boolean isConnected() {
        StompSession s = session;
        return s != null && s.isConnected();
    }

    /** Successful connections so far (1 after the first, +1 per reconnection). */
    public int connections() {
        return connections.get();
    }

    public Target target() {
        return target;
    }

    private void connect() {
        if (closed.get()) {
            return;
        }
        StompHeaders connect = new StompHeaders();
        connect.setHost(target.vhost());
        connect.setLogin(target.login());
        connect.setPasscode(target.passcode().reveal());
        stomp.connectAsync(target.url().toString(), new WebSocketHttpHeaders(), connect, new Handler())
                .whenComplete((s, e) -> {
                    if (e != null) {
                        retry("connection to " + target.url() + " failed: " + rootMessage(e));
                    }
                });
    }

    private void retry(String why) {
        session = null;
        if (closed.get() || !reconnectPending.compareAndSet(false, true)) {
            return;
        }
        Duration d = backoff.delay(attempt.getAndIncrement());
        LOG.warn("{}; reconnecting in {} ms (attempt {})", why, d.toMillis(), attempt.get());
        scheduler.schedule(() -> {
            reconnectPending.set(false);
            connect();
        }, java.time.Instant.now().plus(d));
    }

    private final class Handler extends StompSessionHandlerAdapter {
        @Override
        public void afterConnected(StompSession s, StompHeaders connected) {
            for (String queue : target.queues()) {
                StompHeaders sub = new StompHeaders();
                sub.setDestination("/amq/queue/" + queue);
                sub.setId(queue);
                sub.setAck("client-individual");
                sub.set("prefetch-count", Integer.toString(settings.prefetch())); // RabbitMQ: unacked in flight
                s.subscribe(sub, new QueueHandler(s, queue));
            }
            session = s;
            attempt.set(0);
            connections.incrementAndGet();
            LOG.info("event stream connected: {} (server {})", target, connected.getFirst("server"));
            try {
                listener.connected(StompEventStream.this);
            } catch (RuntimeException e) {
                LOG.error("after connecting to {}: {}", target.url(), e.toString());
            }
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            // ERROR frames sent outside a subscription (refused login, unknown queue): the broker closes next.
            LOG.error("broker error on {}: {} {}", target.url(), headers.getFirst("message"),
                    payload instanceof byte[] b ? new String(b, StandardCharsets.UTF_8).strip() : "");
        }

        @Override
        public Type getPayloadType(StompHeaders headers) {
            return byte[].class;
        }

        @Override
        public void handleException(StompSession s, StompCommand command, StompHeaders headers, byte[] payload, Throwable e) {
            LOG.error("handling a {} frame of {}: {}", command, target.url(), e.toString());
        }

        @Override
        public void handleTransportError(StompSession s, Throwable e) {
            if (!closed.get()) {
                retry("event stream " + target.url() + " lost: " + rootMessage(e));
            }
        }
    }

    private final class QueueHandler implements StompFrameHandler {
        private final StompSession s;
        private final String queue;

        QueueHandler(StompSession s, String queue) {
            this.s = s;
            this.queue = queue;
        }

        @Override
        public Type getPayloadType(StompHeaders headers) {
            return byte[].class;
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            String ackId = headers.getAck() != null ? headers.getAck() : headers.getMessageId();
            String body = new String((byte[]) payload, StandardCharsets.UTF_8);
            listener.received(new Delivery(s, ackId, queue, body, "true".equals(headers.getFirst("redelivered"))));
        }
    }

    /**
     * The innermost cause, which names what failed (refused, reset, …); for a refused certificate the TLS
     * handshake's own message instead (the JVM's "PKIX path building failed: … unable to find valid certification
     * path", where the innermost cause may only say "Signature does not match") and the setting that fixes it.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        Throwable tls = null;
        while (true) {
            if (tls == null && t instanceof javax.net.ssl.SSLHandshakeException) {
                tls = t;
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        Throwable shown = tls != null ? tls : t;
        String m = shown.getClass().getSimpleName() + (shown.getMessage() == null ? "" : ": " + shown.getMessage());
        return tls == null ? m : m + " — the broker's TLS certificate is not trusted for this host; trust its CA as for"
                + " the API (the JVM trust store: JAVA_OPTS=\"-Djavax.net.ssl.trustStore=<file>\"), or set verify_ssl: false";
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StompSession s = session;
        if (s != null && s.isConnected()) {
            try {
                s.disconnect();
            } catch (RuntimeException e) {
                LOG.debug("disconnect: {}", e.toString());
            }
        }
        scheduler.shutdown();
        try {
            JakartaWebSocketClientContainerProvider.stop(container);
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the WebSocket client: {}", e.toString());
        }
    }
}
