package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Waldur's side of the real RabbitMQ of examples/rabbitmq-sandbox: what Waldur provisions for an event
 * subscription (vhost = the subscriber's user UUID, user = the subscription UUID with the API token as password,
 * a queue per create_queue with Waldur's arguments) and how it publishes events. Talks to the broker's
 * management HTTP API as the sandbox's administrator, so the tests need no AMQP client.
 */
public final class WaldurBroker {
    /** Defaults of examples/rabbitmq-sandbox/lib.sh. */
    public static final String MANAGEMENT = System.getProperty("rabbitmq.management", "http://127.0.0.1:15672");
    public static final String WEB_STOMP = System.getProperty("rabbitmq.web-stomp", "ws://127.0.0.1:15674/ws");
    private static final String ADMIN = System.getProperty("rabbitmq.admin", "fake-waldur:fake-waldur");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String auth = "Basic " + Base64.getEncoder().encodeToString(ADMIN.getBytes(StandardCharsets.UTF_8));

    /**
     * The broker, or the suite is skipped with how to start one — except in CI ({@code CI=true}), where a missing
     * broker is a failure: the CI script starts it.
     */
    public static WaldurBroker require() {
        WaldurBroker b = new WaldurBroker();
        String why = b.probe();
        if (why != null) {
            String msg = "no RabbitMQ management API at " + MANAGEMENT + " (" + why + "). Start one as root with "
                    + "examples/rabbitmq-sandbox/start.sh";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg + " to run this suite.");
        }
        return b;
    }

    private String probe() {
        try {
            HttpResponse<String> r = send("GET", "/api/whoami", null);
            return r.statusCode() == 200 ? null : "HTTP " + r.statusCode();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** What Waldur does when it creates a subscription: the vhost, the user and its permissions there. */
    public void provisionSubscription(String vhost, String user, String password) {
        ok(send("PUT", "/api/vhosts/" + enc(vhost), Map.of()));
        ok(send("PUT", "/api/users/" + enc(user), Map.of("password", password, "tags", "")));
        ok(send("PUT", "/api/permissions/" + enc(vhost) + "/" + enc(user), Map.of("configure", ".*", "write", ".*", "read", ".*")));
    }

    /** create_queue: durable, with Waldur's TTL, length cap and dead-lettering. Idempotent with the same arguments. */
    public void declareQueue(String vhost, String queue) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-message-ttl", 3_600_000);
        args.put("x-max-length", 10_000);
        args.put("x-overflow", "reject-publish-dlx");
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", "waldur.dlq.messages");
        ok(send("PUT", "/api/queues/" + enc(vhost) + "/" + enc(queue), Map.of("durable", true, "auto_delete", false, "arguments", args)));
    }

    /** Publishes a persistent JSON message to the queue (default exchange); true when the broker routed it. */
    public boolean publish(String vhost, String queue, Object message) {
        Map<String, Object> props = Map.of("delivery_mode", 2, "content_type", "application/json");
        HttpResponse<String> r = ok(send("POST", "/api/exchanges/" + enc(vhost) + "/amq.default/publish",
                Map.of("properties", props, "routing_key", queue, "payload", Json.write(message), "payload_encoding", "string")));
        return json(r).path("routed").asBoolean(false);
    }

    /** messages_ready and messages_unacknowledged of a queue, as the broker counts them now. */
    public record QueueDepth(long ready, long unacked) {
    }

    public QueueDepth depth(String vhost, String queue) {
        // The management API's counters lag by its collection interval; the queue list with
        // disable_stats=false reads the queue process itself.
        JsonNode q = json(ok(send("GET", "/api/queues/" + enc(vhost) + "/" + enc(queue) + "?disable_stats=false", null)));
        return new QueueDepth(q.path("messages_ready").asLong(), q.path("messages_unacknowledged").asLong());
    }

    /**
     * Closes every client connection to the vhost, as a network cut would. Returns how many. The management API
     * lists a new connection after its statistics interval (0.5 s in the sandbox), so this waits up to 5 s for one.
     */
    public int dropConnections(String vhost) throws InterruptedException {
        JsonNode list = json(ok(send("GET", "/api/vhosts/" + enc(vhost) + "/connections", null)));
        for (int i = 0; i < 50 && list.isEmpty(); i++) {
            Thread.sleep(100);
            list = json(ok(send("GET", "/api/vhosts/" + enc(vhost) + "/connections", null)));
        }
        int n = 0;
        for (JsonNode c : list) {
            send("DELETE", "/api/connections/" + enc(c.path("name").asText()), null);
            n++;
        }
        return n;
    }

    public int connectionCount(String vhost) {
        return json(ok(send("GET", "/api/vhosts/" + enc(vhost) + "/connections", null))).size();
    }

    /**
     * Stops the broker application in its running Erlang node ({@code rabbitmqctl stop_app}): every connection
     * drops and publishing fails; durable queues and persistent messages survive {@link #startBroker()}, as across
     * a broker restart — in seconds rather than the minute a new node takes. Needs root (the CLI runs as the
     * broker's user for its Erlang cookie).
     */
    public void stopBroker() throws IOException, InterruptedException {
        rabbitmqctl("stop_app");
    }

    /** {@code rabbitmqctl start_app}, then waits until the management API answers again. */
    public void startBroker() throws IOException, InterruptedException {
        rabbitmqctl("start_app");
        for (int i = 0; i < 300 && probe() != null; i++) {
            Thread.sleep(100);
        }
    }

    private static void rabbitmqctl(String action) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("setpriv", "--reuid=rabbitmq", "--regid=rabbitmq", "--init-groups",
                "env", "HOME=/var/lib/rabbitmq", "RABBITMQ_NODENAME=rabbit@localhost", "rabbitmqctl", "-q", action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rabbitmqctl " + action + " failed: " + out);
        }
    }

    public void deleteVhost(String vhost) {
        send("DELETE", "/api/vhosts/" + enc(vhost), null);
    }

    public void deleteUser(String user) {
        send("DELETE", "/api/users/" + enc(user), null);
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(MANAGEMENT + path)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", auth).header("content-type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(Json.write(body)));
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // the management API closes idle keep-alive connections; the pooled one may be gone: once more
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + ": HTTP "
                    + r.statusCode() + " " + r.body());
        }
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + r.body(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
