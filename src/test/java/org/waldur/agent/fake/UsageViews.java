package org.waldur.agent.fake;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Read side of usage reporting: component usage and component user usage lists, details and JSON shapes (§10.4/5). */
final class UsageViews {
    private static final String CU = "/api/marketplace-component-usages/";
    private static final String CUU = "/api/marketplace-component-user-usages/";

    private final MarketplaceState s;

    UsageViews(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
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
