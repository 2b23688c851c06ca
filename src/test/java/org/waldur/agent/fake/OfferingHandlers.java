package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offering-level endpoints: provider offering details and its components (§11), plans, service providers,
 * the offering user-attribute config and per-user usage limits (§13).
 */
final class OfferingHandlers {
    private static final String OFF = "/api/marketplace-provider-offerings/";

    private final MarketplaceState s;

    OfferingHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.get(OFF + "{uuid}/", req -> ApiResponse.ok(Paging.project(req, render(s.offering(req.uuid(0))))));
        r.post(OFF + "{uuid}/create_offering_component/", this::createComponent);
        r.post(OFF + "{uuid}/update_offering_component/", this::updateComponent);
        r.post(OFF + "{uuid}/remove_offering_component/", this::removeComponent);
        r.get(OFF + "{uuid}/user-attribute-config/", this::attributeConfig);
        r.get("/api/marketplace-plans/{uuid}/", req -> ApiResponse.ok(renderPlan(s.plan(req.uuid(0)))));
        r.list("/api/marketplace-service-providers/", this::serviceProviders);
        r.list("/api/component-user-usage-limits/", this::userUsageLimits);
    }

    static Map<String, Object> component(FakeWaldur.Component c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", Model.newUuid());
        m.put("billing_type", c.billingType());
        m.put("type", c.type());
        m.put("name", c.name());
        m.put("description", "");
        m.put("measured_unit", c.measuredUnit());
        m.put("unit_factor", c.unitFactor());
        m.put("limit_period", null);
        m.put("limit_amount", null);
        m.put("article_code", "");
        m.put("max_value", null);
        m.put("min_value", null);
        m.put("max_available_limit", null);
        m.put("is_boolean", false);
        m.put("default_limit", null);
        m.put("factor", null);
        m.put("is_builtin", false);
        m.put("is_prepaid", false);
        m.put("overage_component", null);
        m.put("min_prepaid_duration", null);
        m.put("max_prepaid_duration", null);
        return m;
    }

    private ApiResponse createComponent(ApiRequest req) {
        Model.Offering off = s.offering(req.uuid(0));
        ObjectNode body = req.obj();
        requireFields(body, "billing_type", "type", "name");
        if (off.component(body.get("type").asText()) != null) {
            throw ApiError.field("type", "Offering component with this type already exists.");
        }
        Map<String, Object> c = component(new FakeWaldur.Component(body.get("type").asText(),
                body.get("name").asText(), body.get("billing_type").asText(), "", 1));
        merge(c, body);
        off.components.add(c);
        return ApiResponse.empty(201);
    }

    private ApiResponse updateComponent(ApiRequest req) {
        Model.Offering off = s.offering(req.uuid(0));
        ObjectNode body = req.obj();
        requireFields(body, "uuid", "billing_type", "type", "name");
        Map<String, Object> c = byUuid(off, body.get("uuid").asText());
        merge(c, body);
        return ApiResponse.empty(200);
    }

    private ApiResponse removeComponent(ApiRequest req) {
        Model.Offering off = s.offering(req.uuid(0));
        ObjectNode body = req.obj();
        requireFields(body, "uuid");
        Map<String, Object> c = byUuid(off, body.get("uuid").asText());
        if (Boolean.TRUE.equals(c.get("is_builtin"))) {
            throw ApiError.field("uuid", "Built-in components cannot be removed.");
        }
        off.components.remove(c);
        return ApiResponse.empty(200);
    }

    private static Map<String, Object> byUuid(Model.Offering off, String raw) {
        String id = Model.normUuid(raw);
        for (Map<String, Object> c : off.components) {
            if (c.get("uuid").equals(id)) {
                return c;
            }
        }
        throw ApiError.field("uuid", "Component with uuid " + raw + " does not exist.");
    }

    private static void requireFields(ObjectNode body, String... names) {
        Map<String, Object> err = new LinkedHashMap<>();
        for (String n : names) {
            if (!body.hasNonNull(n) || body.get(n).asText().isEmpty()) {
                err.put(n, List.of("This field is required."));
            }
        }
        if (!err.isEmpty()) {
            throw new ApiError(400, err);
        }
    }

    private static void merge(Map<String, Object> c, ObjectNode body) {
        Set<String> readOnly = Set.of("uuid", "factor", "is_builtin");
        body.fields().forEachRemaining(e -> {
            if (!readOnly.contains(e.getKey())) {
                c.put(e.getKey(), Json.toPlain(e.getValue()));
            }
        });
        if ("one".equals(c.get("billing_type"))) {
            c.put("is_prepaid", true);
        }
    }

    private ApiResponse attributeConfig(ApiRequest req) {
        Model.Offering off = s.offering(req.uuid(0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", null);
        m.put("offering_uuid", off.uuid);
        m.put("offering_name", off.name);
        for (String f : List.of("username", "full_name", "email")) {
            m.put("expose_" + f, true);
        }
        for (String f : List.of("phone_number", "organization", "job_title", "affiliations", "gender",
                "personal_title", "place_of_birth", "country_of_residence", "nationality", "nationalities",
                "organization_country", "organization_type", "organization_registry_code", "eduperson_assurance",
                "civil_number", "birth_date", "identity_source", "active_isds")) {
            m.put("expose_" + f, false);
        }
        m.put("exposed_fields", List.of("username", "full_name", "email"));
        m.put("is_default", true);
        return ApiResponse.ok(m);
    }

    private ApiResponse serviceProviders(ApiRequest req) {
        Set<String> customer = req.uuids("customer_uuid");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.Customer c : s.customers.values()) {
            long count = s.offerings.values().stream().filter(o -> o.customerUuid.equals(c.uuid)).count();
            if (count == 0 || (customer != null && !customer.contains(c.uuid))) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", s.url("marketplace-service-providers", c.serviceProviderUuid));
            m.put("uuid", c.serviceProviderUuid);
            m.put("created", Model.ts(c.created));
            m.put("description", "");
            m.put("enable_notifications", true);
            m.put("customer", s.url("customers", c.uuid));
            m.put("customer_name", c.name);
            m.put("customer_uuid", c.uuid);
            m.put("customer_abbreviation", "");
            m.put("customer_slug", c.slug);
            m.put("customer_native_name", "");
            m.put("customer_country", "");
            m.put("image", null);
            m.put("organization_groups", List.of());
            m.put("offering_count", count);
            out.add(m);
        }
        return Paging.list(req, out, s.defaultPageSize);
    }

    private ApiResponse userUsageLimits(ApiRequest req) {
        Set<String> resource = req.uuids("resource_uuid");
        Set<String> offering = req.uuids("offering_uuid");
        String type = req.first("component_type");
        String username = req.first("username");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.UserUsageLimit l : s.userUsageLimits.values()) {
            Model.Resource r = s.resources.get(l.resourceUuid);
            Model.User u = s.users.get(l.userUuid);
            if ((resource == null || resource.contains(r.uuid)) && (offering == null || offering.contains(r.offeringUuid))
                    && (type == null || type.equals(l.componentType))
                    && (username == null || username.equals(u.username))) {
                Map<String, Object> comp = s.offerings.get(r.offeringUuid).component(l.componentType);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("url", s.url("component-user-usage-limits", l.uuid));
                m.put("uuid", l.uuid);
                m.put("resource", s.url("marketplace-resources", r.uuid));
                m.put("component", comp == null ? null : comp.get("uuid"));
                m.put("component_type", l.componentType);
                m.put("user", s.url("users", u.uuid));
                m.put("limit", l.limit);
                out.add(m);
            }
        }
        return Paging.list(req, out, s.defaultPageSize);
    }

    Map<String, Object> render(Model.Offering off) {
        Model.Customer c = s.customers.get(off.customerUuid);
        Model.Plan plan = s.plans.get(off.planUuid);
        List<Map<String, Object>> partitions = new ArrayList<>();
        off.partitions.forEach((name, uuid) -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("uuid", uuid);
            pm.put("partition_name", name);
            partitions.add(pm);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url("marketplace-provider-offerings", off.uuid));
        m.put("uuid", off.uuid);
        m.put("created", Model.ts(off.created));
        m.put("name", off.name);
        m.put("slug", off.slug);
        m.put("description", "");
        m.put("endpoints", List.of());
        m.put("partitions", partitions);
        m.put("customer", s.url("customers", c.uuid));
        m.put("customer_uuid", c.uuid);
        m.put("customer_name", c.name);
        m.put("category_title", "HPC");
        m.put("attributes", Map.of());
        m.put("components", off.components);
        m.put("plugin_options", off.pluginOptions);
        m.put("secret_options", Map.of());
        m.put("state", "Active");
        m.put("plans", plan == null ? List.of() : List.of(renderPlan(plan)));
        m.put("type", off.type);
        m.put("shared", true);
        m.put("billable", true);
        m.put("backend_id", off.backendId);
        m.put("backend_metadata", Map.of());
        return m;
    }

    Map<String, Object> renderPlan(Model.Plan p) {
        long count = s.resources.values().stream().filter(r -> p.uuid.equals(r.planUuid)).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url("marketplace-plans", p.uuid));
        m.put("uuid", p.uuid);
        m.put("name", p.name);
        m.put("description", "");
        m.put("article_code", "");
        m.put("max_amount", null);
        m.put("archived", false);
        m.put("is_active", true);
        m.put("unit_price", "0.0000000");
        m.put("unit", "month");
        m.put("init_price", 0);
        m.put("switch_price", 0);
        m.put("backend_id", "");
        m.put("organization_groups", List.of());
        m.put("components", List.of());
        m.put("offering", s.url("marketplace-provider-offerings", p.offeringUuid));
        m.put("prices", Map.of());
        m.put("future_prices", Map.of());
        m.put("quotas", p.quotas);
        m.put("resources_count", count);
        m.put("plan_type", "usage-based");
        m.put("minimal_price", 0);
        return m;
    }
}
