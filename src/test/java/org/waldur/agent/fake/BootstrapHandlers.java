package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Per-cycle bootstrap calls of §7: users/me, version, site-agent identities, services and processors. */
final class BootstrapHandlers {
    private static final String IDS = "/api/marketplace-site-agent-identities/";

    private final MarketplaceState s;

    BootstrapHandlers(MarketplaceState s) {
        this.s = s;
    }

    void register(Router r) {
        r.get("/api/users/me/", req -> ApiResponse.ok(Paging.project(req, renderCaller())));
        r.get("/api/version/", req -> {
            if (!s.caller.staff) {
                throw ApiError.detail(403, "You do not have permission to perform this action.");
            }
            return ApiResponse.ok(Map.of("version", "8.0.5"));
        });
        r.list(IDS, this::listIdentities);
        r.post(IDS, req -> {
            Model.AgentIdentity id = new Model.AgentIdentity();
            apply(id, req.obj());
            s.identities.put(id.uuid, id);
            return new ApiResponse(201, render(id));
        });
        r.get(IDS + "{uuid}/", req -> ApiResponse.ok(render(identity(req.uuid(0)))));
        r.put(IDS + "{uuid}/", req -> {
            Model.AgentIdentity id = identity(req.uuid(0));
            apply(id, req.obj());
            id.modified = Instant.now();
            return ApiResponse.ok(render(id));
        });
        r.post(IDS + "{uuid}/register_service/", this::registerService);
        r.post("/api/marketplace-site-agent-services/{uuid}/register_processor/", this::registerProcessor);
    }

    private Model.AgentIdentity identity(String uuid) {
        Model.AgentIdentity id = s.identities.get(uuid);
        if (id == null) {
            throw ApiError.notFound("AgentIdentity");
        }
        return id;
    }

    private ApiResponse listIdentities(ApiRequest req) {
        String name = req.first("name");
        Set<String> offering = req.uuids("offering_uuid");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Model.AgentIdentity id : s.identities.values()) {
            if ((name == null || name.equals(id.name)) && (offering == null || offering.contains(id.offeringUuid))) {
                out.add(render(id));
            }
        }
        return Paging.list(req, out, s.defaultPageSize);
    }

    /** AgentIdentityRequest: name and offering required; the offering must exist. */
    private void apply(Model.AgentIdentity id, ObjectNode body) {
        Map<String, Object> err = new LinkedHashMap<>();
        String name = Json.text(body, "name");
        String offering = Json.text(body, "offering");
        if (name == null || name.isEmpty()) {
            err.put("name", List.of("This field is required."));
        }
        String off = Model.normUuid(offering);
        if (offering == null) {
            err.put("offering", List.of("This field is required."));
        } else if (off == null || !s.offerings.containsKey(off)) {
            err.put("offering", List.of("Offering with uuid " + offering + " does not exist."));
        }
        if (!err.isEmpty()) {
            throw new ApiError(400, err);
        }
        id.name = name;
        id.offeringUuid = off;
        id.version = Json.text(body, "version");
        String restarted = Json.text(body, "last_restarted");
        id.lastRestarted = restarted != null ? restarted : id.lastRestarted != null ? id.lastRestarted : Model.ts(Instant.now());
        id.configFilePath = Json.text(body, "config_file_path");
        id.configFileContent = Json.text(body, "config_file_content");
        JsonNode deps = body.get("dependencies");
        id.dependencies = deps == null ? id.dependencies : Json.toPlain(deps);
    }

    private ApiResponse registerService(ApiRequest req) {
        Model.AgentIdentity id = identity(req.uuid(0));
        ObjectNode body = req.obj();
        String name = Json.text(body, "name");
        if (name == null || name.isEmpty()) {
            throw ApiError.field("name", "This field is required.");
        }
        for (Model.AgentService svc : id.services) {
            if (svc.name.equals(name)) {
                svc.mode = Json.text(body, "mode");
                svc.modified = Instant.now();
                return ApiResponse.ok(render(svc));
            }
        }
        Model.AgentService svc = new Model.AgentService();
        svc.identityUuid = id.uuid;
        svc.name = name;
        svc.mode = Json.text(body, "mode");
        id.services.add(svc);
        s.services.put(svc.uuid, svc);
        return new ApiResponse(201, render(svc));
    }

    private ApiResponse registerProcessor(ApiRequest req) {
        Model.AgentService svc = s.services.get(req.uuid(0));
        if (svc == null) {
            throw ApiError.notFound("AgentService");
        }
        ObjectNode body = req.obj();
        String name = Json.text(body, "name");
        String type = Json.text(body, "backend_type");
        Map<String, Object> err = new LinkedHashMap<>();
        if (name == null || name.isEmpty()) {
            err.put("name", List.of("This field is required."));
        }
        if (type == null || type.isEmpty()) {
            err.put("backend_type", List.of("This field is required."));
        }
        if (!err.isEmpty()) {
            throw new ApiError(400, err);
        }
        for (Model.AgentProcessor p : svc.processors) {
            if (p.name.equals(name)) {
                p.backendType = type;
                p.backendVersion = Json.text(body, "backend_version");
                p.modified = Instant.now();
                return ApiResponse.ok(render(p));
            }
        }
        Model.AgentProcessor p = new Model.AgentProcessor();
        p.serviceUuid = svc.uuid;
        p.name = name;
        p.backendType = type;
        p.backendVersion = Json.text(body, "backend_version");
        svc.processors.add(p);
        return new ApiResponse(201, render(p));
    }

    Map<String, Object> renderCaller() {
        Model.User u = s.caller;
        List<Map<String, Object>> permissions = new ArrayList<>();
        for (Model.Offering off : s.offerings.values()) {
            Model.Customer c = s.customers.get(off.customerUuid);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("scope_type", "customer");
            p.put("scope_uuid", c.uuid);
            p.put("scope_name", c.name);
            p.put("role_name", "CUSTOMER.OWNER");
            p.put("expiration_time", null);
            if (!permissions.contains(p)) {
                permissions.add(p);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url("users", u.uuid));
        m.put("uuid", u.uuid);
        m.put("username", u.username);
        m.put("slug", u.username);
        m.put("full_name", u.fullName);
        m.put("native_name", "");
        m.put("job_title", "");
        m.put("email", u.email);
        m.put("phone_number", "");
        m.put("organization", "");
        m.put("civil_number", null);
        m.put("description", "");
        m.put("is_staff", u.staff);
        m.put("is_active", true);
        m.put("is_support", false);
        m.put("registration_method", "default");
        m.put("date_joined", Model.ts(u.created));
        m.put("agreement_date", null);
        m.put("notifications_enabled", true);
        m.put("preferred_language", "en");
        m.put("permissions", permissions);
        m.put("first_name", "Site");
        m.put("last_name", "Agent");
        return m;
    }

    Map<String, Object> render(Model.AgentIdentity id) {
        List<Map<String, Object>> services = new ArrayList<>();
        id.services.forEach(svc -> services.add(nested(svc)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url("marketplace-site-agent-identities", id.uuid));
        m.put("uuid", id.uuid);
        m.put("name", id.name);
        m.put("offering", id.offeringUuid);
        m.put("version", id.version);
        m.put("dependencies", id.dependencies);
        m.put("last_restarted", id.lastRestarted);
        m.put("config_file_path", id.configFilePath);
        m.put("config_file_content", id.configFileContent);
        m.put("services", services);
        m.put("created", Model.ts(id.created));
        m.put("modified", Model.ts(id.modified));
        return m;
    }

    private Map<String, Object> nested(Model.AgentService svc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", svc.uuid);
        m.put("url", s.url("marketplace-site-agent-services", svc.uuid));
        m.put("name", svc.name);
        m.put("mode", svc.mode);
        m.put("state", "Active");
        m.put("statistics", Map.of());
        m.put("created", Model.ts(svc.created));
        m.put("modified", Model.ts(svc.modified));
        return m;
    }

    Map<String, Object> render(Model.AgentService svc) {
        Map<String, Object> m = nested(svc);
        List<Map<String, Object>> processors = new ArrayList<>();
        svc.processors.forEach(p -> {
            Map<String, Object> pm = render(p);
            pm.remove("service");
            pm.remove("service_name");
            processors.add(pm);
        });
        m.put("identity", svc.identityUuid);
        m.put("identity_name", s.identities.get(svc.identityUuid).name);
        m.put("processors", processors);
        return m;
    }

    Map<String, Object> render(Model.AgentProcessor p) {
        Model.AgentService svc = s.services.get(p.serviceUuid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", p.uuid);
        m.put("url", s.url("marketplace-site-agent-processors", p.uuid));
        m.put("service", svc.uuid);
        m.put("service_name", svc.name);
        m.put("name", p.name);
        m.put("backend_type", p.backendType);
        m.put("backend_version", p.backendVersion);
        m.put("last_run", null);
        m.put("created", Model.ts(p.created));
        m.put("modified", Model.ts(p.modified));
        return m;
    }
}
