package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /api/marketplace-offering-users/}: list/detail, PATCH username and the §12.1 state transitions. */
final class OfferingUserHandlers {
    /** OfferingUserState in code order: index + 1 is the integer code printed in transition errors. */
    static final List<String> STATES = List.of("Requested", "Creating", "Pending account linking",
            "Pending additional validation", "OK", "Requested deletion", "Deleting", "Deleted", "Error creating",
            "Error deleting");
    private static final String BASE = "/api/marketplace-offering-users/";

    private final MarketplaceState s;

    OfferingUserHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.list(BASE, this::list);
        r.get(BASE + "{uuid}/", req -> ApiResponse.ok(Paging.project(req, render(s.offeringUser(req.uuid(0))))));
        r.patch(BASE + "{uuid}/", this::patch);
        transition(r, "begin_creating", "Creating", "Requested", "Error creating");
        transition(r, "set_pending_account_linking", "Pending account linking",
                "Creating", "Error creating", "Pending additional validation");
        transition(r, "set_pending_additional_validation", "Pending additional validation",
                "Creating", "Error creating", "Pending account linking");
        transition(r, "set_validation_complete", "OK", "Pending account linking", "Pending additional validation");
        transition(r, "set_ok", "OK", "Requested", "Creating", "Pending additional validation",
                "Pending account linking", "Error creating", "Error deleting");
        transition(r, "set_error_creating", "Error creating",
                "Requested", "Creating", "Pending account linking", "Pending additional validation");
        transition(r, "request_deletion", "Requested deletion", "OK");
        transition(r, "set_deleting", "Deleting", "Requested deletion", "Error deleting");
        transition(r, "set_deleted", "Deleted", "Deleting");
        transition(r, "set_error_deleting", "Error deleting", "Requested deletion", "Deleting");
        r.post(BASE + "{uuid}/update_restricted/", req -> {
            Model.OfferingUser ou = s.offeringUser(req.uuid(0));
            JsonNode v = req.obj().get("is_restricted");
            if (v == null || !v.isBoolean()) {
                throw ApiError.field("is_restricted", v == null ? "This field is required." : "Must be a valid boolean.");
            }
            ou.restricted = v.asBoolean();
            ou.modified = Instant.now();
            return ApiResponse.empty(200);
        });
    }

    private void transition(Router r, String action, String target, String... from) {
        r.post(BASE + "{uuid}/" + action + "/", req -> {
            Model.OfferingUser ou = s.offeringUser(req.uuid(0));
            if (!List.of(from).contains(ou.state)) {
                throw ApiError.detail(400, "Cannot transition to " + target + " from current state: "
                        + (STATES.indexOf(ou.state) + 1) + ". Valid states for operation: " + String.join(", ", from) + ".");
            }
            ObjectNode body = req.obj();
            if (target.startsWith("Pending")) {
                String comment = Json.text(body, "comment");
                String url = Json.text(body, "comment_url");
                ou.comment = comment == null ? "" : comment;
                ou.commentUrl = url == null ? "" : url;
            } else if ("set_validation_complete".equals(action)) {
                ou.comment = "";
                ou.commentUrl = "";
            }
            ou.state = target;
            ou.modified = Instant.now();
            return ApiResponse.empty(200);
        });
    }

    private ApiResponse patch(ApiRequest req) {
        Model.OfferingUser ou = s.offeringUser(req.uuid(0));
        ObjectNode body = req.obj();
        if (body.has("username")) {
            String name = Json.text(body, "username");
            if (name != null && name.length() > 100) {
                throw ApiError.field("username", "Ensure this field has no more than 100 characters.");
            }
            ou.username = name;
            if (name != null && !name.isEmpty() && List.of("Creating", "Error creating").contains(ou.state)) {
                ou.state = "OK";
            }
            ou.modified = Instant.now();
        }
        return ApiResponse.ok(render(ou));
    }

    private ApiResponse list(ApiRequest req) {
        Set<String> offering = req.uuids("offering_uuid");
        Set<String> user = req.uuids("user_uuid");
        Set<String> states = req.choices("state", STATES);
        Boolean restricted = req.bool("is_restricted");
        String userUsername = req.first("user_username");
        String username = req.first("username");
        String query = req.first("query");
        List<Model.OfferingUser> rows = new ArrayList<>();
        for (Model.OfferingUser ou : s.offeringUsers.values()) {
            Model.User u = s.users.get(ou.userUuid);
            if ((offering == null || offering.contains(ou.offeringUuid))
                    && (user == null || user.contains(ou.userUuid))
                    && (states == null || states.contains(ou.state))
                    && (restricted == null || restricted == ou.restricted)
                    && (userUsername == null || userUsername.equals(u.username))
                    && (username == null || username.equals(ou.username))
                    && (query == null || contains(ou.username, query) || contains(u.username, query)
                        || contains(u.fullName, query))) {
                rows.add(ou);
            }
        }
        String o = req.first("o");
        if (o != null && o.endsWith("username")) {
            rows.sort(Comparator.comparing((Model.OfferingUser x) -> x.username == null ? "" : x.username));
        } else if (o != null && o.endsWith("modified")) {
            rows.sort(Comparator.comparing((Model.OfferingUser x) -> x.modified));
        }
        if (o != null && o.startsWith("-")) {
            java.util.Collections.reverse(rows);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        rows.forEach(x -> out.add(render(x)));
        return Paging.list(req, out, s.defaultPageSize);
    }

    private static boolean contains(String hay, String needle) {
        return hay != null && hay.toLowerCase().contains(needle.toLowerCase());
    }

    Map<String, Object> render(Model.OfferingUser ou) {
        Model.User u = s.users.get(ou.userUuid);
        Model.Offering off = s.offerings.get(ou.offeringUuid);
        Model.Customer c = s.customers.get(off.customerUuid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url("marketplace-offering-users", ou.uuid));
        m.put("uuid", ou.uuid);
        m.put("user", s.url("users", u.uuid));
        m.put("offering", s.url("marketplace-public-offerings", off.uuid));
        m.put("username", ou.username);
        m.put("offering_uuid", off.uuid);
        m.put("offering_name", off.name);
        m.put("user_uuid", u.uuid);
        m.put("user_username", u.username);
        m.put("user_full_name", u.fullName);
        m.put("user_email", u.email);
        m.put("created", Model.ts(ou.created));
        m.put("modified", Model.ts(ou.modified));
        m.put("customer_uuid", c.uuid);
        m.put("customer_name", c.name);
        m.put("is_restricted", ou.restricted);
        m.put("state", ou.state);
        m.put("service_provider_comment", ou.comment);
        m.put("service_provider_comment_url", ou.commentUrl);
        m.put("has_consent", true);
        m.put("requires_reconsent", false);
        m.put("has_compliance_checklist", false);
        m.put("consent_data", null);
        m.put("is_profile_complete", true);
        m.put("missing_profile_attributes", List.of());
        return m;
    }
}
