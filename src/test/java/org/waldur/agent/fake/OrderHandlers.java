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

/** {@code /api/marketplace-orders/}: list/detail and the provider actions with the §8.2/§8.4 state machine. */
final class OrderHandlers {
    static final List<String> STATES = List.of("pending-consumer", "pending-provider", "pending-project",
            "pending-start-date", "executing", "done", "erred", "canceled", "rejected");
    static final List<String> TYPES = List.of("Create", "Update", "Terminate", "Restore");
    private static final String BASE = "/api/marketplace-orders/";

    private final MarketplaceState s;

    OrderHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.list(BASE, this::list);
        r.get(BASE + "{uuid}/", req -> ApiResponse.ok(Paging.project(req, render(s.order(req.uuid(0))))));
        r.post(BASE + "{uuid}/approve_by_provider/", this::approve);
        r.post(BASE + "{uuid}/reject_by_provider/", this::reject);
        r.post(BASE + "{uuid}/set_state_executing/", this::setExecuting);
        r.post(BASE + "{uuid}/set_state_done/", this::setDone);
        r.post(BASE + "{uuid}/set_state_erred/", this::setErred);
        r.post(BASE + "{uuid}/set_backend_id/", this::setBackendId);
    }

    private ApiResponse list(ApiRequest req) {
        Set<String> offering = req.uuids("offering_uuid");
        Set<String> resource = req.uuids("resource_uuid");
        Set<String> project = req.uuids("project_uuid");
        Set<String> customer = req.uuids("customer_uuid");
        Set<String> states = req.choices("state", STATES);
        Set<String> types = req.choices("type", TYPES);
        Instant modifiedBefore = req.dateTime("modified_before");
        Instant createdBefore = req.dateTime("created_before");
        Instant modifiedAfter = req.dateTime("modified");
        Instant createdAfter = req.dateTime("created");
        List<Model.Order> rows = new ArrayList<>();
        for (Model.Order o : s.orders.values()) {
            Model.Resource r = s.resources.get(o.resourceUuid);
            String projectUuid = r == null ? null : r.projectUuid;
            String customerUuid = projectUuid == null ? null : s.projects.get(projectUuid).customerUuid;
            if ((offering == null || offering.contains(o.offeringUuid))
                    && (resource == null || resource.contains(o.resourceUuid))
                    && (project == null || project.contains(projectUuid))
                    && (customer == null || customer.contains(customerUuid))
                    && (states == null || states.contains(o.state))
                    && (types == null || types.contains(o.type))
                    && (modifiedBefore == null || o.modified.isBefore(modifiedBefore))
                    && (createdBefore == null || o.created.isBefore(createdBefore))
                    && (modifiedAfter == null || !o.modified.isBefore(modifiedAfter))
                    && (createdAfter == null || !o.created.isBefore(createdAfter))) {
                rows.add(o);
            }
        }
        String ordering = req.first("o");
        if ("-created".equals(ordering)) {
            rows.sort(Comparator.comparing((Model.Order o) -> o.created).reversed());
        } else if ("state".equals(ordering) || "-state".equals(ordering)) {
            rows.sort(Comparator.comparing((Model.Order o) -> o.state));
            if (ordering.startsWith("-")) {
                java.util.Collections.reverse(rows);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        rows.forEach(o -> out.add(render(o)));
        return Paging.list(req, out, s.defaultPageSize);
    }

    private ApiResponse approve(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        if (!"pending-provider".equals(o.state)) {
            throw ApiError.states("pending-provider");
        }
        JsonNode attrs = req.obj().get("attributes");
        if (attrs != null && attrs.isObject()) {
            attrs.fields().forEachRemaining(e -> o.attributes.put(e.getKey(), Json.toPlain(e.getValue())));
        }
        o.providerReviewedAt = Instant.now();
        startExecuting(o);
        return ApiResponse.ok(Map.of("detail", "Order has been approved and is being processed."));
    }

    private ApiResponse reject(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        if (!"pending-provider".equals(o.state)) {
            throw ApiError.states("pending-provider");
        }
        String comment = Json.text(req.obj(), "provider_rejection_comment");
        o.providerRejectionComment = comment == null ? "" : comment;
        o.providerReviewedAt = Instant.now();
        o.state = "rejected";
        s.touch(o);
        Model.Resource r = s.resources.get(o.resourceUuid);
        if (r != null && isCreate(o)) {
            r.state = "Terminated";
            s.touch(r);
        }
        return ApiResponse.empty(200);
    }

    private ApiResponse setExecuting(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        if (!List.of("pending-consumer", "pending-provider", "erred").contains(o.state)) {
            throw ApiError.states("pending-consumer", "pending-provider", "erred");
        }
        startExecuting(o);
        return ApiResponse.empty(200);
    }

    /** Order → executing; an Update/Terminate puts its resource into Updating/Terminating (Create: Creating). */
    private void startExecuting(Model.Order o) {
        o.state = "executing";
        s.touch(o);
        Model.Resource r = s.resources.get(o.resourceUuid);
        if (r == null) {
            return;
        }
        switch (o.type) {
            case "Update" -> r.state = "Updating";
            case "Terminate" -> r.state = "Terminating";
            default -> r.state = "Creating";
        }
        s.touch(r);
    }

    private ApiResponse setDone(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        if (!"executing".equals(o.state)) {
            throw ApiError.states("executing");
        }
        o.state = "done";
        o.completedAt = Instant.now();
        s.touch(o);
        Model.Resource r = s.resources.get(o.resourceUuid);
        if (r != null) {
            switch (o.type) {
                case "Update" -> {
                    r.limits = new LinkedHashMap<>(o.limits);
                    if ("renew".equals(o.attributes.get("action"))) {
                        r.endDate = (String) o.attributes.get("new_end_date");
                    }
                    r.state = "OK";
                }
                case "Terminate" -> r.state = "Terminated";
                default -> {
                    r.state = "OK";
                    s.openPlanPeriod(r);
                }
            }
            s.touch(r);
        }
        return ApiResponse.empty(200);
    }

    private ApiResponse setErred(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        ObjectNode body = req.obj();
        String msg = Json.text(body, "error_message");
        String tb = Json.text(body, "error_traceback");
        o.errorMessage = msg == null ? "" : msg;
        o.errorTraceback = tb == null ? "" : tb;
        o.state = "erred";
        s.touch(o);
        Model.Resource r = s.resources.get(o.resourceUuid);
        if (r != null) {
            r.state = "Terminate".equals(o.type) ? "OK" : "Erred";
            s.touch(r);
        }
        return ApiResponse.empty(200);
    }

    private ApiResponse setBackendId(ApiRequest req) {
        Model.Order o = s.order(req.uuid(0));
        String id = Json.text(req.obj(), "backend_id");
        if (id == null || id.isEmpty()) {
            throw ApiError.field("backend_id", id == null ? "This field is required." : "This field may not be blank.");
        }
        if (id.length() > 255) {
            throw ApiError.field("backend_id", "Ensure this field has no more than 255 characters.");
        }
        if (id.equals(o.backendId)) {
            return ApiResponse.status("Order backend_id is not changed.");
        }
        o.backendId = id;
        s.touch(o);
        return ApiResponse.status("Order backend_id has been changed.");
    }

    static boolean isCreate(Model.Order o) {
        return "Create".equals(o.type) || "Restore".equals(o.type);
    }

    /** OrderDetails as the provider sees it (§8.3). */
    Map<String, Object> render(Model.Order o) {
        Model.Offering off = s.offerings.get(o.offeringUuid);
        Model.Customer provider = s.customers.get(off.customerUuid);
        Model.Resource r = s.resources.get(o.resourceUuid);
        Model.Project p = r == null ? null : s.projects.get(r.projectUuid);
        Model.Customer c = p == null ? null : s.customers.get(p.customerUuid);
        Model.Plan plan = o.planUuid == null ? null : s.plans.get(o.planUuid);
        Map<String, Object> m = new LinkedHashMap<>();
        Model.putOfferingAndPlan(m, s, off, provider, plan);
        m.put("attributes", o.attributes);
        m.put("limits", o.limits);
        m.put("uuid", o.uuid);
        m.put("created", Model.ts(o.created));
        m.put("modified", Model.ts(o.modified));
        m.put("resource_uuid", null);
        m.put("resource_type", null);
        m.put("resource_name", r == null ? "" : r.name);
        m.put("cost", "0.00");
        m.put("state", o.state);
        m.put("output", "");
        m.put("marketplace_resource_uuid", o.resourceUuid);
        m.put("error_message", o.errorMessage);
        m.put("error_traceback", o.errorTraceback);
        m.put("callback_url", null);
        m.put("completed_at", Model.ts(o.completedAt));
        m.put("request_comment", null);
        m.put("type", o.type);
        m.put("start_date", null);
        m.put("slug", "order-" + o.uuid.substring(0, 8));
        m.put("url", s.url("marketplace-orders", o.uuid));
        m.put("provider_reviewed_by", null);
        m.put("provider_reviewed_at", Model.ts(o.providerReviewedAt));
        m.put("created_by_username", "consumer");
        m.put("created_by_full_name", "Demo Consumer");
        m.put("customer_name", c == null ? "" : c.name);
        m.put("customer_uuid", c == null ? null : c.uuid);
        m.put("customer_slug", c == null ? "" : c.slug);
        m.put("project_name", p == null ? "" : p.name);
        m.put("project_uuid", p == null ? null : p.uuid);
        m.put("project_description", p == null ? "" : p.description);
        m.put("project_slug", p == null ? "" : p.slug);
        m.put("old_plan_uuid", null);
        m.put("new_plan_uuid", null);
        m.put("can_terminate", false);
        m.put("fixed_price", 0);
        m.put("activation_price", 0);
        m.put("termination_comment", null);
        m.put("backend_id", o.backendId);
        m.put("provider_rejection_comment", o.providerRejectionComment);
        m.put("consumer_rejection_comment", "");
        return m;
    }
}
