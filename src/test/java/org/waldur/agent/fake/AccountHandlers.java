package org.waldur.agent.fake;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider's view of its offering's project service accounts and course accounts (Waldur 8.0.5:
 * {@code GET /api/marketplace-provider-offerings/{uuid}/list_project_service_accounts/} and
 * {@code …/list_course_accounts/}, "for projects that have resources of this offering"). Their query filters are the
 * offering's (the schema lists none for accounts), so the list is the whole offering's; paged like every list.
 */
final class AccountHandlers {
    private static final String OFF = "/api/marketplace-provider-offerings/";

    private final MarketplaceState s;

    AccountHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.list(OFF + "{uuid}/list_project_service_accounts/", req -> list(req, "service_account"));
        r.list(OFF + "{uuid}/list_course_accounts/", req -> list(req, "course_account"));
    }

    private ApiResponse list(ApiRequest req, String kind) {
        Model.Offering off = s.offering(req.uuid(0));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.ProjectAccount a : s.projectAccounts.values()) {
            boolean served = s.resources.values().stream().anyMatch(r -> r.offeringUuid.equals(off.uuid)
                    && r.projectUuid.equals(a.projectUuid) && !"Terminated".equals(r.state));
            if (a.kind.equals(kind) && served) {
                out.add(kind.equals("service_account") ? renderService(a) : renderCourse(a));
            }
        }
        return Paging.list(req, out, s.defaultPageSize);
    }

    private Map<String, Object> common(Model.ProjectAccount a, String collection) {
        Model.Project p = s.projects.get(a.projectUuid);
        Model.Customer c = s.customers.get(p.customerUuid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url(collection, a.uuid));
        m.put("uuid", a.uuid);
        m.put("created", Model.ts(a.created));
        m.put("modified", Model.ts(a.modified));
        m.put("username", a.username);
        m.put("state", a.state);
        m.put("email", "account-" + a.uuid + "@example.org");
        m.put("description", a.description);
        m.put("error_message", "");
        m.put("project", p.uuid);
        m.put("project_uuid", p.uuid);
        m.put("project_name", p.name);
        m.put("customer_uuid", c.uuid);
        m.put("customer_name", c.name);
        return m;
    }

    private Map<String, Object> renderService(Model.ProjectAccount a) {
        Map<String, Object> m = common(a, "marketplace-project-service-accounts");
        m.put("error_traceback", "");
        m.put("token", null);
        m.put("expires_at", null);
        m.put("preferred_identifier", a.username);
        m.put("customer_abbreviation", s.customers.get(s.projects.get(a.projectUuid).customerUuid).slug);
        return m;
    }

    private Map<String, Object> renderCourse(Model.ProjectAccount a) {
        Model.Project p = s.projects.get(a.projectUuid);
        Map<String, Object> m = common(a, "marketplace-course-accounts");
        m.put("error_traceback", "");
        m.put("project_slug", p.slug);
        LocalDate start = p.created.atZone(ZoneOffset.UTC).toLocalDate();
        m.put("project_start_date", start.toString());
        m.put("project_end_date", start.plusYears(1).toString());
        m.put("user_uuid", a.userUuid);
        return m;
    }
}
