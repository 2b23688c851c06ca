package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Usage reporting (§10): set_usage / set_user_usage(s) with the 8.x validations (lists: {@link UsageViews}). */
final class UsageHandlers {
    private static final String CU = "/api/marketplace-component-usages/";
    private static final Set<String> REPORTABLE = Set.of("usage", "limit", "one");

    private final MarketplaceState s;
    final UsageViews views;

    UsageHandlers(MarketplaceState s) {
        this.s = s;
        this.views = new UsageViews(s);
    }

    void register(Router r) {
        r.post(CU + "set_usage/", this::setUsage);
        r.post(CU + "{uuid}/set_user_usages/", req -> setUserUsages(req, true));
        r.post(CU + "{uuid}/set_user_usage/", req -> setUserUsages(req, false));
        views.register(r);
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
        LocalDate period = s.billingPeriod(date == null ? s.now() : date);
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
            u.date = date == null ? s.now() : date;
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
        if (date.isAfter(s.now())) {
            throw ApiError.field("date", "Cannot submit usage for future dates. Date must be current date or earlier.");
        }
        if (s.rejectBackfill && anyUsageType && period.isBefore(s.billingPeriod(s.now()))) {
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
                if (d != null && d.isAfter(s.now())) {
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
                LocalDate period = s.billingPeriod(dates.get(i));
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
            uu.date = dates.get(i) == null ? s.now() : dates.get(i);
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
}
