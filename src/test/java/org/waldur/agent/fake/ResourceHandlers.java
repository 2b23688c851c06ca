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

/** {@code /api/marketplace-provider-resources/}: list/detail, team and the provider actions of §9. */
final class ResourceHandlers {
    static final List<String> STATES = List.of("Creating", "OK", "Erred", "Updating", "Terminating", "Terminated");
    private static final String BASE = "/api/marketplace-provider-resources/";

    private final MarketplaceState s;
    private final OrderHandlers orders;

    ResourceHandlers(MarketplaceState s, OrderHandlers orders) {
        this.s = s;
        this.orders = orders;
    }

    void register(Router r) {
        r.list(BASE, this::list);
        r.get(BASE + "{uuid}/", req -> ApiResponse.ok(Paging.project(req, render(s.resource(req.uuid(0))))));
        r.get(BASE + "{uuid}/team/", this::team);
        r.get(BASE + "{uuid}/plan_periods/", this::planPeriods);
        r.post(BASE + "{uuid}/set_backend_id/", this::setBackendId);
        r.post(BASE + "{uuid}/set_limits/", this::setLimits);
        r.post(BASE + "{uuid}/set_backend_metadata/", this::setBackendMetadata);
        r.post(BASE + "{uuid}/set_as_ok/", this::setAsOk);
        r.post(BASE + "{uuid}/set_as_erred/", this::setAsErred);
        r.post(BASE + "{uuid}/set_state_ok/", this::setStateOk);
        r.post(BASE + "{uuid}/refresh_last_sync/", req -> {
            Model.Resource res = s.resource(req.uuid(0));
            res.lastSync = Instant.now();
            return ApiResponse.empty(200);
        });
    }

    private ApiResponse list(ApiRequest req) {
        Set<String> offering = req.uuids("offering_uuid");
        Set<String> project = req.uuids("project_uuid");
        Set<String> customer = req.uuids("customer_uuid");
        Set<String> states = req.choices("state", STATES);
        String backendId = req.first("backend_id");
        String nameExact = req.first("name_exact");
        String name = req.first("name");
        Boolean paused = req.bool("paused");
        Boolean downscaled = req.bool("downscaled");
        Boolean restrict = req.bool("restrict_member_access");
        List<Model.Resource> rows = new ArrayList<>();
        for (Model.Resource r : s.resources.values()) {
            String customerUuid = s.projects.get(r.projectUuid).customerUuid;
            if ((offering == null || offering.contains(r.offeringUuid))
                    && (project == null || project.contains(r.projectUuid))
                    && (customer == null || customer.contains(customerUuid))
                    && (states == null || states.contains(r.state))
                    && (backendId == null || backendId.equals(r.backendId))
                    && (nameExact == null || nameExact.equals(r.name))
                    && (name == null || r.name.toLowerCase().contains(name.toLowerCase()))
                    && (paused == null || paused == r.paused)
                    && (downscaled == null || downscaled == r.downscaled)
                    && (restrict == null || restrict == r.restrictMemberAccess)) {
                rows.add(r);
            }
        }
        String o = req.first("o");
        if (o != null && o.replace("-", "").equals("name")) {
            rows.sort(Comparator.comparing((Model.Resource r) -> r.name));
        } else if (o != null && o.replace("-", "").equals("created")) {
            rows.sort(Comparator.comparing((Model.Resource r) -> r.created));
        }
        if (o != null && o.startsWith("-")) {
            java.util.Collections.reverse(rows);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        rows.forEach(r -> out.add(render(r)));
        return Paging.list(req, out, s.defaultPageSize);
    }

    /** Not paginated: bare array, no Link / X-Result-Count (§9.4). */
    private ApiResponse team(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.TeamMember tm : s.team) {
            if (!tm.projectUuid.equals(r.projectUuid)) {
                continue;
            }
            Model.User u = s.users.get(tm.userUuid);
            Model.OfferingUser ou = s.offeringUserOf(r.offeringUuid, u.uuid);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", s.url("users", u.uuid));
            m.put("uuid", u.uuid);
            m.put("username", u.username);
            m.put("full_name", u.fullName);
            m.put("email", u.email);
            m.put("role", tm.role);
            m.put("expiration_time", null);
            m.put("offering_user_username", ou == null || ou.username == null || ou.username.isEmpty() ? null : ou.username);
            m.put("offering_user_state", ou == null ? null : ou.state);
            out.add(m);
        }
        return ApiResponse.ok(out);
    }

    private ApiResponse planPeriods(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.PlanPeriod p : s.planPeriods) {
            if (!p.resourceUuid.equals(r.uuid) || p.end != null) {
                continue;
            }
            Model.Plan plan = s.plans.get(p.planUuid);
            List<Map<String, Object>> comps = new ArrayList<>();
            for (Model.ComponentUsage u : s.usages.values()) {
                if (u.resourceUuid.equals(r.uuid) && u.billingPeriod.equals(s.billingPeriod(s.now()))) {
                    comps.add(Map.of("type", u.type, "billing_period", u.billingPeriod.toString(),
                            "date", Model.ts(u.date), "usage", Json.number(u.usage).toPlainString()));
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uuid", p.uuid);
            m.put("plan_name", plan == null ? "" : plan.name);
            m.put("plan_uuid", p.planUuid);
            m.put("start", Model.ts(p.start));
            m.put("end", null);
            m.put("components", comps);
            out.add(m);
        }
        return ApiResponse.ok(out);
    }

    private ApiResponse setBackendId(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        String id = Json.text(req.obj(), "backend_id");
        if (id == null) {
            throw ApiError.field("backend_id", "This field is required.");
        }
        if (id.length() > 255) {
            throw ApiError.field("backend_id", "Ensure this field has no more than 255 characters.");
        }
        if (id.equals(r.backendId)) {
            return ApiResponse.status("Resource backend_id is not changed.");
        }
        r.backendId = id;
        s.touch(r);
        return ApiResponse.status("Resource backend_id has been changed.");
    }

    private ApiResponse setLimits(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        JsonNode limits = req.obj().get("limits");
        if (limits == null || limits.isNull()) {
            throw ApiError.field("limits", "This field is required.");
        }
        if (!limits.isObject()) {
            throw ApiError.field("limits", "Expected a dictionary of items but got type \"" + limits.getNodeType().name().toLowerCase() + "\".");
        }
        Model.Offering off = s.offerings.get(r.offeringUuid);
        List<String> unknown = new ArrayList<>();
        Map<String, Integer> next = new LinkedHashMap<>();
        for (var it = limits.fields(); it.hasNext(); ) {
            var e = it.next();
            if (off.component(e.getKey()) == null) {
                unknown.add(e.getKey());
            } else if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                throw ApiError.field("limits", "A valid integer is required.");
            } else {
                next.put(e.getKey(), e.getValue().intValue());
            }
        }
        if (!unknown.isEmpty()) {
            throw new ApiError(400, Map.of("limits", "Unknown component types: " + String.join(", ", unknown)));
        }
        r.limits = next;
        s.touch(r);
        return ApiResponse.status("The resource limits are updated");
    }

    private ApiResponse setBackendMetadata(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        JsonNode md = req.obj().get("backend_metadata");
        if (md == null) {
            throw ApiError.field("backend_metadata", "This field is required.");
        }
        Object plain = Json.toPlain(md);
        r.backendMetadata = new LinkedHashMap<>();
        if (plain instanceof Map<?, ?> map) {
            map.forEach((k, v) -> r.backendMetadata.put(String.valueOf(k), v));
        }
        s.touch(r);
        return ApiResponse.status("The backend metadata is updated");
    }

    private ApiResponse setAsOk(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        if (!"OK".equals(r.state)) {
            r.state = "OK";
            r.errorMessage = "";
            r.errorTraceback = "";
            s.touch(r);
        }
        return ApiResponse.empty(200);
    }

    private ApiResponse setAsErred(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        ObjectNode body = req.obj();
        String msg = Json.text(body, "error_message");
        String tb = Json.text(body, "error_traceback");
        r.state = "Erred";
        r.errorMessage = msg == null ? "" : msg;
        r.errorTraceback = tb == null ? "" : tb;
        s.touch(r);
        return ApiResponse.empty(200);
    }

    private ApiResponse setStateOk(ApiRequest req) {
        Model.Resource r = s.resource(req.uuid(0));
        if (!List.of("Erred", "Creating", "Updating", "Terminating").contains(r.state)) {
            throw ApiError.states("Erred", "Creating", "Updating", "Terminating");
        }
        r.state = "OK";
        s.touch(r);
        return ApiResponse.status("Resource state has been set to OK.");
    }

    /** Resource as the provider sees it (§9.3). */
    Map<String, Object> render(Model.Resource r) {
        Model.Offering off = s.offerings.get(r.offeringUuid);
        Model.Customer provider = s.customers.get(off.customerUuid);
        Model.Project p = s.projects.get(r.projectUuid);
        Model.Customer c = s.customers.get(p.customerUuid);
        Model.Plan plan = r.planUuid == null ? null : s.plans.get(r.planUuid);
        boolean usageBased = false;
        boolean limitBased = false;
        for (Map<String, Object> comp : off.components) {
            usageBased |= "usage".equals(comp.get("billing_type"));
            limitBased |= "limit".equals(comp.get("billing_type"));
        }
        Map<String, Object> current = new LinkedHashMap<>();
        for (Model.ComponentUsage u : s.usages.values()) {
            if (u.resourceUuid.equals(r.uuid) && u.billingPeriod.equals(s.billingPeriod(s.now()))) {
                current.put(u.type, Json.number(u.usage));
            }
        }
        Model.Order active = null;
        Model.Order creation = null;
        for (Model.Order o : s.orders.values()) {
            if (o.resourceUuid.equals(r.uuid)) {
                if (OrderHandlers.isCreate(o) && creation == null) {
                    creation = o;
                }
                if (o.state.startsWith("pending") || "executing".equals(o.state)) {
                    active = o;
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Model.putOfferingAndPlan(m, s, off, provider, plan);
        m.put("attributes", r.attributes);
        m.put("limits", r.limits);
        m.put("uuid", r.uuid);
        m.put("created", Model.ts(r.created));
        m.put("modified", Model.ts(r.modified));
        m.put("url", s.url("marketplace-provider-resources", r.uuid));
        m.put("description", "");
        m.put("state", r.state);
        m.put("resource_uuid", null);
        m.put("backend_id", r.backendId);
        m.put("effective_id", "");
        m.put("resource_type", null);
        m.put("project", s.url("projects", p.uuid));
        m.put("project_uuid", p.uuid);
        m.put("project_name", p.name);
        m.put("project_description", p.description);
        m.put("project_end_date", null);
        m.put("project_slug", p.slug);
        m.put("customer_uuid", c.uuid);
        m.put("customer_name", c.name);
        m.put("customer_slug", c.slug);
        m.put("offering_slug", off.slug);
        m.put("offering_backend_id", off.backendId);
        m.put("offering_state", "Active");
        m.put("offering_components", off.components);
        m.put("backend_metadata", r.backendMetadata);
        m.put("is_usage_based", usageBased);
        m.put("is_limit_based", limitBased);
        m.put("name", r.name);
        m.put("slug", r.slug);
        m.put("current_usages", current);
        m.put("can_terminate", "OK".equals(r.state) || "Erred".equals(r.state));
        m.put("end_date", r.endDate);
        m.put("username", null);
        m.put("limit_usage", Map.of());
        m.put("downscaled", r.downscaled);
        m.put("restrict_member_access", r.restrictMemberAccess);
        m.put("paused", r.paused);
        m.put("endpoints", List.of());
        m.put("error_message", r.errorMessage);
        m.put("error_traceback", r.errorTraceback);
        m.put("options", Map.of());
        m.put("available_actions", List.of());
        m.put("last_sync", Model.ts(r.lastSync == null ? r.created : r.lastSync));
        m.put("order_in_progress", active == null ? null : orders.render(active));
        m.put("creation_order", creation == null ? null : orders.render(creation));
        m.put("user_requires_reconsent", false);
        return m;
    }
}
