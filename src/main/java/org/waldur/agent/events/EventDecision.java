package org.waldur.agent.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.waldur.agent.config.OfferingConfig;

import java.io.IOException;
import java.util.Set;

/**
 * What one event asks of this agent: a pass of the order code or of the membership code for its offering, or
 * nothing (and why, for the log). Pure: no Camel, no I/O, so every rule is unit-tested.
 */
public record EventDecision(Work work, String offeringUuid, String subject, String ignoredBecause) {
    public enum Work { ORDERS, MEMBERSHIP, NONE }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Order states the agent acts on; done, erred, canceled, rejected and pending-consumer need nothing. */
    private static final Set<String> ACTIONABLE_ORDER_STATES = Set.of("pending-provider", "executing");

    static EventDecision ignore(String offering, String subject, String why) {
        return new EventDecision(Work.NONE, offering, subject, why);
    }

    /**
     * @param subscribed the offering whose queue delivered the message
     * @param type       the queue's object type
     */
    public static EventDecision of(OfferingConfig subscribed, EventType type, String body) {
        JsonNode m;
        try {
            m = MAPPER.readTree(body);
        } catch (IOException e) {
            return ignore(null, "?", "not JSON: " + abbreviate(body));
        }
        if (m == null || !m.isObject()) {
            return ignore(null, "?", "not a JSON object: " + abbreviate(body));
        }
        // Waldur's queues are per offering; a message naming another offering is foreign whatever its queue.
        String offering = hex(m.path("offering_uuid").asText(""));
        if (offering.isEmpty()) {
            offering = hex(subscribed.uuid());
        } else if (!offering.equals(hex(subscribed.uuid()))) {
            return ignore(offering, type.wire, "offering " + offering + " is not " + subscribed.name() + " ("
                    + hex(subscribed.uuid()) + ") whose queue delivered it");
        }
        return switch (type) {
            case ORDER -> {
                String order = m.path("order_uuid").asText("");
                String state = m.path("order_state").asText("");
                String subject = "order " + order + " (" + state + ")";
                if (order.isEmpty()) {
                    yield ignore(offering, subject, "no order_uuid");
                }
                yield ACTIONABLE_ORDER_STATES.contains(state) ? new EventDecision(Work.ORDERS, offering, subject, null)
                        : ignore(offering, subject, "nothing to do in state " + (state.isEmpty() ? "(none)" : state));
            }
            case USER_ROLE -> new EventDecision(Work.MEMBERSHIP, offering, "role of "
                    + m.path("user_username").asText(m.path("user_uuid").asText("everyone")) + " in project "
                    + m.path("project_uuid").asText("?"), null);
            case RESOURCE -> new EventDecision(Work.MEMBERSHIP, offering, "resource " + m.path("resource_uuid").asText("?"), null);
            case OFFERING_USER -> new EventDecision(Work.MEMBERSHIP, offering, "offering user "
                    + m.path("offering_user_uuid").asText(m.path("username").asText("?")), null);
            case RESOURCE_PERIODIC_LIMITS -> ignore(offering, "periodic limits", "periodic limits are not supported");
        };
    }

    static String hex(String uuid) {
        return uuid.replace("-", "").toLowerCase();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
