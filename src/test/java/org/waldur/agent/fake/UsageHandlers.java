package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Usage reporting (§10): set_usage / set_user_usage(s) with the 8.x validations, and the two list endpoints. */
final class UsageHandlers {
    private static final String CU = "/api/marketplace-component-usages/";
    private static final String CUU = "/api/marketplace-component-user-usages/";
    private static final Set<String> REPORTABLE = Set.of("usage", "limit", "one");

    private final MarketplaceState s;

    UsageHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.post(CU + "set_usage/", this::setUsage);
        r.post(CU + "{uuid}/set_user_usages/", req -> setUserUsages(req, true));
        r.post(CU + "{uuid}/set_user_usage/", req -> setUserUsages(req, false));
        r.list(CU, this::listUsages);
        r.get(CU + "{uuid}/", req -> ApiResponse.ok(Paging.project(req, render(s.usage(req.uuid(0))))));
        r.list(CUU, this::listUserUsages);
        r.get(CUU + "{uuid}/", req -> {
            Model.ComponentUserUsage u = s.userUsages.get(req.uuid(0));
            if (u == null) {
                throw ApiError.notFound("ComponentUserUsage");
            }
            return ApiResponse.ok(Paging.project(req, render(u)));
        });
    }

    private ApiResponse setUsage(ApiRequest req) {
        ObjectNode body = req.obj();
        Model.Resource r = resourceOf(body);
        JsonNode items = body.get("usages");
        if (items == null || items.isNull()) {
            throw ApiError.field("usages", "This field is required.");
        }
        if (!items.isArray()) {
            throw ApiError.field("usages", "Expected a list of items but got type \"" + items.getNodeType().name().toLowerCase() + "\".");
        }
        List<Map<String, Object>> itemErrors = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        boolean anyError = false;
        for (JsonNode item : items) {
            Map<String, Object> err = new LinkedHashMap<>();
            String type = Json.text(item, "type");
            if (type == null || type.isEmpty()) {
                err.put("type", List.of(type == null ? "This field is required." : "This field may not be blank."));
            }
            amounts.add(decimal(item.get("amount"), "amount", err));
            anyError |= !err.isEmpty();
            itemErrors.add(err);
        }
        if (anyError) {
            throw new ApiError(400, Map.of("usages", itemErrors));
        }
        Instant date = dateOf(body);
        if (!List.of("OK", "Updating", "Terminating").contains(r.state)) {
            throw ApiError.field("resource", "Resource is not in valid state.");
        }
        if (r.planUuid == null) {
            throw ApiError.field("resource", "Resource must have a plan to report usage.");
        }
        Model.Offering off = s.offerings.get(r.offeringUuid);
        Set<String> invalid = new LinkedHashSet<>();
        boolean anyUsageType = false;
        for (JsonNode item : items) {
            Map<String, Object> comp = off.component(item.get("type").asText());
            if (comp == null || !REPORTABLE.contains(String.valueOf(comp.get("billing_type")))) {
                invalid.add(item.get("type").asText());
            } else {
                anyUsageType |= "usage".equals(comp.get("billing_type"));
            }
        }
        if (!invalid.isEmpty()) {
            throw ApiError.field("non_field_errors", "These components are invalid: " + String.join(", ", invalid) + ".");
        }
        LocalDate period = MarketplaceState.billingPeriod(date == null ? Instant.now() : date);
        if (date != null) {
            checkDate(date, period, anyUsageType);
        }
        int i = 0;
        for (JsonNode item : items) {
            String type = item.get("type").asText();
            Model.ComponentUsage u = s.usageOf(r.uuid, type, period);
            if (u == null) {
                u = new Model.ComponentUsage();
                u.resourceUuid = r.uuid;
                u.type = type;
                u.billingPeriod = period;
                s.usages.put(u.uuid, u);
            }
            u.usage = amounts.get(i++);
            u.date = date == null ? Instant.now() : date;
            String description = Json.text(item, "description");
            u.description = description == null ? "" : description;
            u.recurring = item.path("recurring").asBoolean(false);
            u.modified = Instant.now();
        }
        return ApiResponse.empty(201);
    }

    private Model.Resource resourceOf(ObjectNode body) {
        String pp = Json.text(body, "plan_period");
        String res = Json.text(body, "resource");
        if (pp != null) {
            String id = Model.normUuid(pp);
            for (Model.PlanPeriod p : s.planPeriods) {
                if (p.uuid.equals(id)) {
                    if (p.end != null && p.end.isBefore(Instant.now())) {
                        throw ApiError.field("plan_period", "Billing period is closed.");
                    }
                    return s.resources.get(p.resourceUuid);
                }
            }
            throw ApiError.field("plan_period", "Object with uuid=" + pp + " does not exist.");
        }
        if (res != null) {
            String id = Model.normUuid(res);
            if (id == null) {
                throw ApiError.field("resource", "Must be a valid UUID.");
            }
            Model.Resource r = s.resources.get(id);
            if (r == null) {
                throw ApiError.field("resource", "Object with uuid=" + res + " does not exist.");
            }
            return r;
        }
        throw ApiError.field("non_field_errors", "Either plan_period or resource should be provided.");
    }

    private static Instant dateOf(JsonNode body) {
        String raw = Json.text(body, "date");
        if (raw == null) {
            return null;
        }
        Instant t = ApiRequest.parseDateTime(raw);
        if (t == null) {
            throw ApiError.field("date", "Datetime has wrong format. Use one of these formats instead: "
                    + "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
        }
        return t;
    }

    private void checkDate(Instant date, LocalDate period, boolean anyUsageType) {
        if (date.isAfter(Instant.now())) {
            throw ApiError.field("date", "Cannot submit usage for future dates. Date must be current date or earlier.");
        }
        if (s.rejectBackfill && anyUsageType && period.isBefore(MarketplaceState.billingPeriod(Instant.now()))) {
            throw ApiError.field("date", "Service providers can only specify date for limit-based or prepaid billing "
                    + "components when backfilling past billing periods.");
        }
    }

    /** Decimal string (or number) with at most 20 digits and 2 decimal places, as DRF's DecimalField(20, 2). */
    private static BigDecimal decimal(JsonNode n, String field, Map<String, Object> err) {
        if (n == null || n.isNull()) {
            err.put(field, List.of("This field is required."));
            return null;
        }
        BigDecimal v;
        try {
            v = new BigDecimal(n.asText().trim());
        } catch (NumberFormatException e) {
            err.put(field, List.of("A valid number is required."));
            return null;
        }
        if (Math.max(v.scale(), 0) > 2) {
            err.put(field, List.of("Ensure that there are no more than 2 decimal places."));
        } else if (v.precision() - v.scale() > 18) {
            err.put(field, List.of("Ensure that there are no more than 18 digits before the decimal point."));
        }
        return v;
    }

    private ApiResponse setUserUsages(ApiRequest req, boolean bulk) {
        Model.ComponentUsage parent = s.usage(req.uuid(0));
        ObjectNode body = req.obj();
        List<JsonNode> items = new ArrayList<>();
        if (bulk) {
            JsonNode list = body.get("usages");
            if (list == null || list.isNull()) {
                throw ApiError.field("usages", "This field is required.");
            }
            if (!list.isArray() || list.isEmpty()) {
                throw ApiError.field("usages", "At least one usage item is required.");
            }
            list.forEach(items::add);
        } else {
            items.add(body);
        }
        List<Map<String, Object>> itemErrors = new ArrayList<>();
        List<BigDecimal> values = new ArrayList<>();
        List<Instant> dates = new ArrayList<>();
        boolean anyError = false;
        for (JsonNode item : items) {
            Map<String, Object> err = new LinkedHashMap<>();
            String username = Json.text(item, "username");
            if (username == null || username.isEmpty()) {
                err.put("username", List.of(username == null ? "This field is required." : "This field may not be blank."));
            } else if (username.length() > 100) {
                err.put("username", List.of("Ensure this field has no more than 100 characters."));
            }
            values.add(decimal(item.get("usage"), "usage", err));
            Instant d = null;
            try {
                d = dateOf(item);
                if (d != null && d.isAfter(Instant.now())) {
                    err.put("date", List.of("Cannot submit usage for future dates. Date must be current date or earlier."));
                }
            } catch (ApiError e) {
                err.put("date", ((Map<?, ?>) e.body).get("date"));
            }
            dates.add(d);
            anyError |= !err.isEmpty();
            itemErrors.add(err);
        }
        if (anyError) {
            throw new ApiError(400, bulk ? Map.of("usages", itemErrors) : itemErrors.get(0));
        }
        Set<Model.ComponentUsage> touched = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            Model.ComponentUsage target = parent;
            if (dates.get(i) != null) {
                LocalDate period = MarketplaceState.billingPeriod(dates.get(i));
                if (!period.equals(parent.billingPeriod)) {
                    target = s.usageOf(parent.resourceUuid, parent.type, period);
                    if (target == null) {
                        target = new Model.ComponentUsage();
                        target.resourceUuid = parent.resourceUuid;
                        target.type = parent.type;
                        target.billingPeriod = period;
                        target.date = dates.get(i);
                        s.usages.put(target.uuid, target);
                    }
                }
            }
            String username = Json.text(item, "username");
            Model.ComponentUserUsage uu = null;
            for (Model.ComponentUserUsage x : s.userUsages.values()) {
                if (x.componentUsageUuid.equals(target.uuid) && x.username.equals(username)) {
                    uu = x;
                }
            }
            if (uu == null) {
                uu = new Model.ComponentUserUsage();
                uu.componentUsageUuid = target.uuid;
                uu.username = username;
                s.userUsages.put(uu.uuid, uu);
            }
            uu.usage = values.get(i);
            uu.userUrl = Json.text(item, "user");
            uu.date = dates.get(i) == null ? Instant.now() : dates.get(i);
            String description = Json.text(item, "description");
            uu.description = description == null ? "" : description;
            uu.modified = Instant.now();
            touched.add(target);
        }
        for (Model.ComponentUsage cu : touched) {
            if (cu.usage.signum() == 0) {
                BigDecimal sum = BigDecimal.ZERO;
                for (Model.ComponentUserUsage x : s.userUsages.values()) {
                    if (x.componentUsageUuid.equals(cu.uuid)) {
                        sum = sum.add(x.usage);
                    }
                }
                cu.usage = sum;
            }
        }
        return ApiResponse.empty(201);
    }

    private ApiResponse listUsages(ApiRequest req) {
        Filter f = new Filter(req);
        LocalDate period = req.date("billing_period");
        String type = req.first("type");
        List<Model.ComponentUsage> rows = new ArrayList<>();
        for (Model.ComponentUsage u : s.usages.values()) {
            if (f.matches(u) && (period == null || period.equals(u.billingPeriod))
                    && (type == null || type.equals(u.type))) {
                rows.add(u);
            }
        }
        Comparator<Model.ComponentUsage> cmp = Comparator.comparing((Model.ComponentUsage u) -> u.billingPeriod);
        String o = req.first("o");
        if (o != null && o.endsWith("usage")) {
            cmp = Comparator.comparing((Model.ComponentUsage u) -> u.usage);
        }
        rows.sort(o != null && o.startsWith("-") ? cmp.reversed() : cmp);
        List<Map<String, Object>> out = new ArrayList<>();
        rows.forEach(u -> out.add(render(u)));
        return Paging.list(req, out, s.defaultPageSize);
    }

    private ApiResponse listUserUsages(ApiRequest req) {
        Filter f = new Filter(req);
        LocalDate period = req.date("component_usage__billing_period");
        String type = req.first("type");
        String username = req.first("username");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.ComponentUserUsage uu : s.userUsages.values()) {
            Model.ComponentUsage cu = s.usages.get(uu.componentUsageUuid);
            if (f.matches(cu) && (period == null || period.equals(cu.billingPeriod))
                    && (type == null || type.equals(cu.type))
                    && (username == null || uu.username.toLowerCase().contains(username.toLowerCase()))) {
                out.add(render(uu));
            }
        }
        return Paging.list(req, out, s.defaultPageSize);
    }

    /** Filters shared by both usage lists (resource/offering/project/customer, month/year, date range). */
    private final class Filter {
        final Set<String> resource;
        final Set<String> offering;
        final Set<String> project;
        final Set<String> customer;
        final String resourceUrl;
        final Integer month;
        final Integer year;
        final LocalDate after;
        final LocalDate before;

        Filter(ApiRequest req) {
            resource = req.uuids("resource_uuid");
            offering = req.uuids("offering_uuid");
            project = req.uuids("project_uuid");
            customer = req.uuids("customer_uuid");
            resourceUrl = req.first("resource");
            month = intParam(req, "billing_period_month");
            year = intParam(req, "billing_period_year");
            after = req.date("date_after");
            before = req.date("date_before");
        }

        boolean matches(Model.ComponentUsage u) {
            Model.Resource r = s.resources.get(u.resourceUuid);
            Model.Project p = s.projects.get(r.projectUuid);
            LocalDate day = u.date == null ? u.billingPeriod : u.date.atZone(java.time.ZoneOffset.UTC).toLocalDate();
            return (resource == null || resource.contains(r.uuid))
                    && (resourceUrl == null || resourceUrl.contains(r.uuid))
                    && (offering == null || offering.contains(r.offeringUuid))
                    && (project == null || project.contains(p.uuid))
                    && (customer == null || customer.contains(p.customerUuid))
                    && (month == null || month == u.billingPeriod.getMonthValue())
                    && (year == null || year == u.billingPeriod.getYear())
                    && (after == null || !day.isBefore(after))
                    && (before == null || !day.isAfter(before));
        }
    }

    private static Integer intParam(ApiRequest req, String name) {
        String v = req.first(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return (int) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw ApiError.field(name, "Enter a number.");
        }
    }

    Map<String, Object> render(Model.ComponentUsage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", u.uuid);
        m.put("url", s.url("marketplace-component-usages", u.uuid));
        m.put("created", Model.ts(u.created));
        m.put("description", u.description);
        m.put("type", u.type);
        putContext(m, u);
        m.put("usage", Json.number(u.usage));
        m.put("date", Model.ts(u.date));
        m.put("recurring", u.recurring);
        m.put("billing_period", u.billingPeriod.toString());
        m.put("modified_by", null);
        return m;
    }

    Map<String, Object> render(Model.ComponentUserUsage uu) {
        Model.ComponentUsage cu = s.usages.get(uu.componentUsageUuid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", uu.uuid);
        m.put("user", uu.userUrl);
        m.put("username", uu.username);
        m.put("component_usage", s.url("marketplace-component-usages", cu.uuid));
        m.put("usage", Json.number(uu.usage));
        m.put("description", uu.description);
        m.put("created", Model.ts(uu.created));
        m.put("modified", Model.ts(uu.modified));
        m.put("backend_id", uu.backendId);
        putContext(m, cu);
        m.put("component_type", cu.type);
        m.put("date", Model.ts(uu.date));
        m.put("billing_period", cu.billingPeriod.toString());
        return m;
    }

    /** name/measured_unit of the component and resource/offering/project/customer names and uuids. */
    private void putContext(Map<String, Object> m, Model.ComponentUsage u) {
        Model.Resource r = s.resources.get(u.resourceUuid);
        Model.Offering off = s.offerings.get(r.offeringUuid);
        Model.Project p = s.projects.get(r.projectUuid);
        Model.Customer c = s.customers.get(p.customerUuid);
        Map<String, Object> comp = off.component(u.type);
        m.put("name", comp == null ? u.type : comp.get("name"));
        m.put("measured_unit", comp == null ? "" : comp.get("measured_unit"));
        m.put("resource_name", r.name);
        m.put("resource_uuid", r.uuid);
        m.put("offering_name", off.name);
        m.put("offering_uuid", off.uuid);
        m.put("project_name", p.name);
        m.put("project_uuid", p.uuid);
        m.put("customer_name", c.name);
        m.put("customer_uuid", c.uuid);
    }
}
