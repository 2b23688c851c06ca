package org.waldur.agent.fake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waldur's event side: register_event_subscription, create_queue, and the publication of ORDER, USER_ROLE,
 * RESOURCE, SERVICE_ACCOUNT, COURSE_ACCOUNT and RESOURCE_PERIODIC_LIMITS messages (with report-command-result, where
 * the agent answers the last) to the real RabbitMQ ({@link WaldurBroker}) when the marketplace changes, in Waldur's
 * message format (see ../shared/reference/waldur-events.md). Without a broker attached the endpoints still
 * answer and nothing is published. Publication is asynchronous and in order, outside the state lock.
 */
final class EventHandlers implements MarketplaceState.EventSink {
    /** Order states Waldur publishes an ORDER message for. */
    private static final Set<String> PUBLISHED_ORDER_STATES = Set.of("pending-provider", "pending-consumer", "done");

    static final class Subscription {
        String uuid = Model.newUuid(), userUuid, type, description;
        Instant created = Instant.now();
    }

    record Queue(String subscriptionUuid, String offeringUuid, String type, String name, String vhost) {
    }

    private final MarketplaceState s;
    private final String token;
    private volatile WaldurBroker broker;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<String, String> publishedOrderState = new HashMap<>();
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-waldur-events");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();

    EventHandlers(MarketplaceState s, String token) {
        this.s = s;
        this.token = token;
    }

    void attach(WaldurBroker b) {
        broker = b;
    }

    int published() {
        return published.get();
    }

    int lost() {
        return lost.get();
    }

    List<Queue> queues() {
        synchronized (s) {
            return List.copyOf(queues.values());
        }
    }

    /** SLURM periodic usage policies: uuid → offering uuid. */
    private final Map<String, String> policies = new LinkedHashMap<>();
    /** Every report-command-result accepted, with the policy: what Waldur's command history would show. */
    private final List<Map<String, Object>> commandResults = new ArrayList<>();

    void register(Router r) {
        r.post("/api/marketplace-site-agent-identities/{uuid}/register_event_subscription/", this::registerSubscription);
        r.post("/api/event-subscriptions/{uuid}/create_queue/", this::createQueue);
        r.post("/api/marketplace-slurm-periodic-usage-policies/{uuid}/report-command-result/", this::commandResult);
    }

    String addPolicy(String offeringUuid) {
        String uuid = Model.newUuid();
        policies.put(uuid, offeringUuid);
        return uuid;
    }

    List<Map<String, Object>> commandResults() {
        return commandResults.stream().map(m -> (Map<String, Object>) new LinkedHashMap<>(m)).toList();
    }

    /** 200 without a body (8.0.5); the policy must exist and the resource be one of its offering's. */
    private ApiResponse commandResult(ApiRequest req) {
        String policy = Model.normUuid(req.uuid(0));
        String offering = policies.get(policy);
        if (offering == null) {
            throw ApiError.notFound("SlurmPeriodicUsagePolicy");
        }
        String resource = Model.normUuid(Json.text(req.obj(), "resource_uuid"));
        Model.Resource r = resource == null ? null : s.resources.get(resource);
        if (r == null || !r.offeringUuid.equals(offering)) {
            throw ApiError.field("resource_uuid", "Resource not found.");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy_uuid", policy);
        m.put("resource_uuid", resource);
        m.put("success", req.obj().path("success").asBoolean());
        m.put("error_message", req.obj().path("error_message").asText(""));
        m.put("mode", req.obj().path("mode").asText("production"));
        List<String> commands = new ArrayList<>();
        req.obj().path("commands_executed").forEach(c -> commands.add(c.asText()));
        m.put("commands_executed", commands);
        commandResults.add(m);
        return ApiResponse.empty(200);
    }

    /**
     * RESOURCE_PERIODIC_LIMITS as Waldur's policy publishes it (the reference's PeriodicLimitsMessage,
     * waldur_site_agent/event_processing/structures.py): the resource, its backend_id, the policy, the action and
     * the settings it computed.
     */
    void periodicLimits(String policyUuid, Model.Resource r, Map<String, Object> settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resource_uuid", r.uuid);
        m.put("backend_id", r.backendId);
        m.put("offering_uuid", r.offeringUuid);
        m.put("policy_uuid", policyUuid);
        m.put("action", "apply_periodic_settings");
        m.put("settings", settings);
        m.put("timestamp", Model.ts(Instant.now()));
        publish(r.offeringUuid, "resource_periodic_limits", m);
    }

    /** One subscription per (user, object type): 201 when new, 200 with the existing one (as Waldur). */
    private ApiResponse registerSubscription(ApiRequest req) {
        if (!s.identities.containsKey(req.uuid(0))) {
            throw ApiError.notFound("AgentIdentity");
        }
        String type = Json.text(req.obj(), "observable_object_type");
        for (Subscription sub : subscriptions.values()) {
            if (sub.userUuid.equals(s.caller.uuid) && sub.type.equals(type)) {
                return ApiResponse.ok(render(sub));
            }
        }
        Subscription sub = new Subscription();
        sub.userUuid = s.caller.uuid;
        sub.type = type;
        sub.description = Json.text(req.obj(), "description");
        subscriptions.put(sub.uuid, sub);
        WaldurBroker b = broker;
        if (b != null) { // what Waldur does on creation: vhost = user uuid, user = subscription uuid, password = token
            b.provisionSubscription(sub.userUuid, sub.uuid, token);
        }
        return new ApiResponse(201, render(sub));
    }

    private ApiResponse createQueue(ApiRequest req) {
        Subscription sub = subscriptions.get(Model.normUuid(req.uuid(0)));
        if (sub == null) {
            throw ApiError.notFound("EventSubscription");
        }
        String offering = Model.normUuid(Json.text(req.obj(), "offering_uuid"));
        if (offering == null || !s.offerings.containsKey(offering)) {
            throw ApiError.field("offering_uuid", "Offering not found.");
        }
        String type = Json.text(req.obj(), "object_type");
        if (!type.equals(sub.type)) {
            throw ApiError.field("object_type", "The subscription does not observe " + type + ".");
        }
        String name = "subscription_" + sub.uuid + "_offering_" + offering + "_" + type;
        boolean existed = queues.containsKey(name);
        Queue q = new Queue(sub.uuid, offering, type, name, sub.userUuid);
        queues.put(name, q);
        WaldurBroker b = broker;
        if (b != null) {
            b.declareQueue(q.vhost(), name);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", Model.newUuid());
        m.put("url", s.url("event-subscription-queues", m.get("uuid").toString()));
        m.put("event_subscription", s.url("event-subscriptions", sub.uuid));
        m.put("event_subscription_uuid", sub.uuid);
        m.put("offering_uuid", offering);
        m.put("object_type", type);
        m.put("queue_name", name);
        m.put("vhost", q.vhost());
        m.put("created", Model.ts(Instant.now()));
        return new ApiResponse(existed ? 200 : 201, m);
    }

    private Map<String, Object> render(Subscription sub) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", sub.uuid);
        m.put("url", s.url("event-subscriptions", sub.uuid));
        m.put("description", sub.description == null ? "" : sub.description);
        m.put("user", s.url("users", sub.userUuid));
        m.put("user_uuid", sub.userUuid);
        m.put("user_username", s.caller.username);
        m.put("user_full_name", s.caller.fullName);
        m.put("observable_objects", List.of(Map.of("object_type", sub.type)));
        m.put("created", Model.ts(sub.created));
        m.put("modified", Model.ts(sub.created));
        m.put("source_ip", null);
        return m;
    }

    // ---------------------------------------------------------------- publication (called under the state lock)

    @Override
    public void order(Model.Order o) {
        if (!PUBLISHED_ORDER_STATES.contains(o.state) || o.state.equals(publishedOrderState.put(o.uuid, o.state))) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("order_uuid", o.uuid);
        m.put("order_state", o.state);
        m.put("offering_uuid", o.offeringUuid);
        publish(o.offeringUuid, "order", m);
    }

    @Override
    public void role(String projectUuid, String userUuid, String role, boolean granted) {
        Model.Project p = s.projects.get(projectUuid);
        Model.User u = s.users.get(userUuid);
        s.resources.values().stream().filter(r -> r.projectUuid.equals(projectUuid)).map(r -> r.offeringUuid)
                .distinct().forEach(offering -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("user_uuid", userUuid);
                    m.put("user_username", u == null ? null : u.username);
                    m.put("project_uuid", projectUuid);
                    m.put("project_name", p == null ? null : p.name);
                    m.put("role_name", role);
                    m.put("granted", granted);
                    m.put("offering_uuid", offering);
                    publish(offering, "user_role", m);
                });
    }

    /** RESOURCE: {@code {resource_uuid, offering_uuid}} (the reference's ResourceMessage reads resource_uuid). */
    @Override
    public void resourceFlags(Model.Resource r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resource_uuid", r.uuid);
        m.put("offering_uuid", r.offeringUuid);
        publish(r.offeringUuid, "resource", m);
    }

    /**
     * OFFERING_USER {@code username_set}: {@code {offering_user_uuid, user_uuid, username, action,
     * resource_backend_ids}} — the backend_ids of the offering's resources in the user's projects, which the
     * reference's handler associates the user with (event_processing/handlers.py).
     */
    @Override
    public void usernameSet(Model.OfferingUser ou) {
        Set<String> projects = s.team.stream().filter(tm -> tm.userUuid.equals(ou.userUuid)).map(tm -> tm.projectUuid)
                .collect(java.util.stream.Collectors.toSet());
        List<String> backendIds = s.resources.values().stream()
                .filter(r -> r.offeringUuid.equals(ou.offeringUuid) && projects.contains(r.projectUuid))
                .map(r -> r.backendId).filter(b -> b != null && !b.isEmpty()).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offering_user_uuid", ou.uuid);
        m.put("user_uuid", ou.userUuid);
        m.put("username", ou.username);
        m.put("action", "username_set");
        m.put("resource_backend_ids", backendIds);
        publish(ou.offeringUuid, "offering_user", m);
    }

    /**
     * SERVICE_ACCOUNT / COURSE_ACCOUNT: the reference's AccountMessage ({@code account_uuid, account_username,
     * scope_type, project_uuid, project_name, action}, event_processing/structures.py), to every offering with a
     * resource in the project, like USER_ROLE.
     */
    @Override
    public void account(Model.ProjectAccount a, String action) {
        Model.Project p = s.projects.get(a.projectUuid);
        s.resources.values().stream().filter(r -> r.projectUuid.equals(a.projectUuid)).map(r -> r.offeringUuid)
                .distinct().forEach(offering -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("account_uuid", a.uuid);
                    m.put("account_username", a.username);
                    m.put("scope_type", "project");
                    m.put("project_uuid", a.projectUuid);
                    m.put("project_name", p == null ? null : p.name);
                    m.put("action", action);
                    publish(offering, a.kind, m);
                });
    }

    /** Publishes to every queue of the offering and type; public for tests that send a foreign or odd message. */
    void publish(String offeringUuid, String type, Map<String, Object> message) {
        List<Queue> targets = new ArrayList<>();
        for (Queue q : queues.values()) {
            if (q.offeringUuid().equals(offeringUuid) && q.type().equals(type)) {
                targets.add(q);
            }
        }
        WaldurBroker b = broker;
        if (b == null || targets.isEmpty()) {
            return;
        }
        Map<String, Object> copy = new LinkedHashMap<>(message);
        publisher.execute(() -> {
            for (Queue q : targets) {
                try {
                    b.publish(q.vhost(), q.name(), copy);
                    published.incrementAndGet();
                } catch (RuntimeException e) { // as in Waldur: an event published while the broker is down is lost
                    lost.incrementAndGet();
                }
            }
        });
    }

    /** Raw publication to one queue (a foreign offering's message, garbage). */
    void publishRaw(Queue q, Map<String, Object> message) {
        WaldurBroker b = broker;
        publisher.execute(() -> {
            b.publish(q.vhost(), q.name(), message);
            published.incrementAndGet();
        });
    }

    void close() {
        publisher.shutdown();
    }
}
