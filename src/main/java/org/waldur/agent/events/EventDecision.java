package org.waldur.agent.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.Uuids;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one event asks of this agent: a pass of the order code or of the membership code for its offering,
 * narrowed to the objects the event names ({@link EventScope}), or nothing (and why, for the log). Pure: no
 * Camel, no I/O, so every rule is unit-tested.
 */
public record EventDecision(Work work, String offeringUuid, String subject, String ignoredBecause, EventScope scope) {
    public enum Work { ORDERS, MEMBERSHIP, PERIODIC_LIMITS, NONE }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Order states the agent acts on; done, erred, canceled, rejected and pending-consumer need nothing. */
    private static final Set<String> ACTIONABLE_ORDER_STATES = Set.of("pending-provider", "executing");

    static EventDecision ignore(String offering, String subject, String why) {
        return new EventDecision(Work.NONE, offering, subject, why, null);
    }

    private static EventDecision membership(String offering, String subject, EventScope scope) {
        return new EventDecision(Work.MEMBERSHIP, offering, subject, null, scope);
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
                if (!isUuid(order)) {
                    yield ignore(offering, subject, order.isEmpty() ? "no order_uuid" : "order_uuid is not a UUID");
                }
                yield ACTIONABLE_ORDER_STATES.contains(state)
                        ? new EventDecision(Work.ORDERS, offering, subject, null, EventScope.order(order))
                        : ignore(offering, subject, "nothing to do in state " + (state.isEmpty() ? "(none)" : state));
            }
            // A role change: that project's allocations; Waldur's resource-scoped resync on the same channel
            // (resource_uuid): that resource; neither named: the whole offering.
            case USER_ROLE -> {
                String project = m.path("project_uuid").asText("");
                String resource = m.path("resource_uuid").asText("");
                if (!project.isEmpty() && !isUuid(project) || !resource.isEmpty() && !isUuid(resource)) {
                    yield ignore(offering, "role in project " + project, "project_uuid or resource_uuid is not a UUID");
                }
                String subject = "role of " + m.path("user_username").asText(m.path("user_uuid").asText("everyone"))
                        + " in project " + (project.isEmpty() ? "?" : project);
                yield membership(offering, subject, !resource.isEmpty() ? EventScope.resource(resource)
                        : !project.isEmpty() ? EventScope.project(project) : EventScope.WHOLE);
            }
            case RESOURCE -> {
                String resource = m.path("resource_uuid").asText("");
                if (!resource.isEmpty() && !isUuid(resource)) {
                    yield ignore(offering, "resource " + resource, "resource_uuid is not a UUID");
                }
                yield membership(offering, "resource " + (resource.isEmpty() ? "?" : resource),
                        resource.isEmpty() ? EventScope.WHOLE : EventScope.resource(resource));
            }
            // username_set names the allocations to associate; other offering-user changes name none, and the
            // user may be in any project of the offering: the whole pass (its team reads find them).
            case OFFERING_USER -> {
                List<String> ids = new ArrayList<>();
                m.path("resource_backend_ids").forEach(n -> ids.add(n.asText()));
                ids.removeIf(String::isBlank);
                yield membership(offering, "offering user " + m.path("offering_user_uuid").asText(m.path("username").asText("?")),
                        ids.isEmpty() ? EventScope.WHOLE : EventScope.backendIds(ids));
            }
            // A service or course account created or removed ({account_uuid, account_username, project_uuid, action},
            // the reference's AccountMessage): the project's allocations, through the lists the pass reads, whatever
            // the action (the list says whether the account is still OK). No project named: the whole offering.
            case SERVICE_ACCOUNT, COURSE_ACCOUNT -> {
                String project = m.path("project_uuid").asText("");
                String subject = type.wire.replace('_', ' ') + " " + m.path("account_username").asText(m.path("account_uuid").asText("?"))
                        + " (" + m.path("action").asText("?") + ") in project " + (project.isEmpty() ? "?" : project);
                if (!project.isEmpty() && !isUuid(project)) {
                    yield ignore(offering, subject, "project_uuid is not a UUID");
                }
                yield membership(offering, subject, project.isEmpty() ? EventScope.WHOLE : EventScope.project(project));
            }
            // The message itself is the work (Waldur has no REST read of the settings): the pass parses and checks
            // it (periodic/PeriodicLimitsMessage) and reports a bad one to Waldur as a failed command.
            case RESOURCE_PERIODIC_LIMITS -> new EventDecision(Work.PERIODIC_LIMITS, offering,
                    "periodic limits of " + m.path("backend_id").asText(m.path("resource_uuid").asText("?")), null, EventScope.WHOLE);
        };
    }

    /** Waldur's UUIDs, hyphenated or not; anything else never reaches a Waldur path or query. */
    static boolean isUuid(String s) {
        return Uuids.normalise(s) != null;
    }

    private static String hex(String uuid) {
        return EventScope.hex(uuid);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
