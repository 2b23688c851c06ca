package org.waldur.agent.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.waldur.agent.config.OfferingConfig;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decisions of event_process's registration (routes/event-process.camel.yaml): the agent identity's name and
 * body, one subscription request per {@link EventType}, the create_queue request, and what Waldur answered.
 */
public final class EventSetup {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String version;

    /** One subscription as Waldur answered it, with the queue create_queue made for it. */
    public record Subscription(EventType type, String uuid, String userUuid, String queue) {
    }

    /** Filled by the split over types; read by {@link EventHub#open(Exchange)}. */
    public static final class Registrations {
        public final List<Subscription> subscriptions = new ArrayList<>();
    }

    public EventSetup(String version) {
        this.version = version;
    }

    private static OfferingConfig offering(Exchange e) {
        return e.getProperty("offering", OfferingConfig.class);
    }

    /** The reference's identity name, so both agents find the same identity. */
    public String identityQuery(Exchange e) {
        return "name=agent-" + offering(e).uuid() + "&offering_uuid=" + offering(e).uuid();
    }

    /** The uuid of the identity in a list answer, or null when there is none. */
    public String existingIdentity(String listJson) throws IOException {
        JsonNode list = MAPPER.readTree(listJson);
        return list.isArray() && !list.isEmpty() ? list.get(0).path("uuid").asText(null) : null;
    }

    public Map<String, Object> newIdentity(Exchange e) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("offering", offering(e).uuid());
        b.put("name", "agent-" + offering(e).uuid());
        b.put("version", version);
        b.put("last_restarted", Instant.now().toString());
        b.put("dependencies", List.of());
        return b;
    }

    public String uuidOf(String json) throws IOException {
        String uuid = json == null || json.isBlank() ? null : MAPPER.readTree(json).path("uuid").asText(null);
        if (uuid == null || uuid.isBlank()) {
            throw new IllegalStateException("Waldur answered no uuid (with --dry-run, event_process cannot register): " + json);
        }
        return uuid;
    }

    public Registrations startRegistrations() {
        return new Registrations();
    }

    /**
     * The offering's types; with property {@code eventTypesOnly} (routes/periodic-limits.camel.yaml, when no
     * event_process serves the offering) that one type alone.
     */
    public List<EventType> types(Exchange e) {
        String only = e.getProperty("eventTypesOnly", String.class);
        if (only != null) {
            return List.of(EventType.valueOf(only));
        }
        return EventType.forOffering(offering(e), offering(e).slurm().periodicLimits().enabled());
    }

    public Map<String, Object> subscriptionRequest(Exchange e) {
        EventType t = e.getProperty("eventType", EventType.class);
        return Map.of("observable_object_type", t.wire,
                "description", "waldur-camel-agent: " + t.wire + " events of offering " + offering(e).name());
    }

    /** Keeps the subscription's uuid and user (the broker vhost) for create_queue and the connection. */
    public void subscribed(Exchange e) throws IOException {
        JsonNode s = MAPPER.readTree(e.getMessage().getBody(String.class));
        String uuid = s.path("uuid").asText("");
        String user = s.path("user_uuid").asText("");
        if (uuid.isBlank() || user.isBlank()) {
            throw new IllegalStateException("register_event_subscription answered no uuid/user_uuid: " + s);
        }
        e.setProperty("subscriptionUuid", uuid);
        e.setProperty("subscriptionUser", user);
    }

    public Map<String, Object> queueRequest(Exchange e) {
        return Map.of("offering_uuid", offering(e).uuid(), "object_type", e.getProperty("eventType", EventType.class).wire);
    }

    public void queueCreated(Exchange e) throws IOException {
        JsonNode q = MAPPER.readTree(e.getMessage().getBody(String.class));
        EventType t = e.getProperty("eventType", EventType.class);
        String sub = e.getProperty("subscriptionUuid", String.class);
        String name = q.path("queue_name").asText("");
        if (name.isBlank()) { // Waldur's naming, in case an older server answers without the name
            name = "subscription_" + EventScope.hex(sub) + "_offering_" + EventScope.hex(offering(e).uuid()) + "_" + t.wire;
        }
        e.getProperty("eventRegistrations", Registrations.class).subscriptions
                .add(new Subscription(t, sub, e.getProperty("subscriptionUser", String.class), name));
    }
}
