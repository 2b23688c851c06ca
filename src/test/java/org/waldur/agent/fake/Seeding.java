package org.waldur.agent.fake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Seeding logic behind the public {@link FakeWaldur} methods; callers hold the state lock. */
final class Seeding {
    private Seeding() {
    }

    /** Normalised uuid of an existing object, or IllegalArgumentException naming what is missing. */
    static String known(Map<String, ?> map, String uuid, String what) {
        String id = Model.normUuid(uuid);
        if (id == null || !map.containsKey(id)) {
            throw new IllegalArgumentException("unknown " + what + " uuid: " + uuid);
        }
        return id;
    }

    static String choice(String value, List<String> allowed, String what) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("invalid " + what + " '" + value + "', expected one of " + allowed);
        }
        return value;
    }

    static String offering(MarketplaceState s, String customerUuid, String name, List<FakeWaldur.Component> components,
                           Map<String, Object> pluginOptions) {
        Model.Offering off = new Model.Offering();
        off.uuid = Model.newUuid();
        off.customerUuid = customerUuid;
        off.name = name;
        off.slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (components != null) {
            for (FakeWaldur.Component c : components) {
                choice(c.billingType(), List.of("fixed", "usage", "limit", "one", "few"), "billing type");
                Map<String, Object> json = OfferingHandlers.component(c);
                if ("one".equals(c.billingType())) {
                    json.put("is_prepaid", true);
                }
                off.components.add(json);
            }
        }
        if (pluginOptions != null) {
            off.pluginOptions = new LinkedHashMap<>(pluginOptions);
        }
        Model.Plan plan = new Model.Plan();
        plan.uuid = Model.newUuid();
        plan.offeringUuid = off.uuid;
        plan.name = "Default plan";
        off.planUuid = plan.uuid;
        s.plans.put(plan.uuid, plan);
        s.offerings.put(off.uuid, off);
        return off.uuid;
    }

    static String resource(MarketplaceState s, String offeringUuid, String projectUuid, String name, String slug,
                           String state, String backendId, Map<String, Integer> limits) {
        Model.Resource r = new Model.Resource();
        r.uuid = Model.newUuid();
        r.offeringUuid = known(s.offerings, offeringUuid, "offering");
        r.projectUuid = known(s.projects, projectUuid, "project");
        r.planUuid = s.offerings.get(r.offeringUuid).planUuid;
        r.name = name;
        r.slug = slug == null ? name : slug;
        r.state = choice(state, ResourceHandlers.STATES, "resource state");
        r.backendId = backendId == null ? "" : backendId;
        if (limits != null) {
            r.limits.putAll(limits);
        }
        r.attributes.put("name", name);
        s.resources.put(r.uuid, r);
        if (List.of("OK", "Updating", "Terminating", "Erred").contains(r.state)) {
            s.openPlanPeriod(r);
        }
        return r.uuid;
    }

    static String order(MarketplaceState s, String offeringUuid, String resourceUuid, String type, String state,
                        Map<String, Integer> limits) {
        Model.Order o = new Model.Order();
        o.uuid = Model.newUuid();
        o.offeringUuid = known(s.offerings, offeringUuid, "offering");
        o.type = choice(type, OrderHandlers.TYPES, "order type");
        o.state = choice(state, OrderHandlers.STATES, "order state");
        if (resourceUuid == null) {
            if (!OrderHandlers.isCreate(o)) {
                throw new IllegalArgumentException(type + " orders need an existing resource");
            }
            if (s.projects.isEmpty()) {
                throw new IllegalArgumentException("add a project before a Create order without a resource");
            }
            String project = s.projects.keySet().iterator().next();
            String name = "resource-" + (s.resources.size() + 1);
            resourceUuid = resource(s, o.offeringUuid, project, name, name, "Creating", null, limits);
        }
        Model.Resource r = s.resources.get(known(s.resources, resourceUuid, "resource"));
        o.resourceUuid = r.uuid;
        o.planUuid = r.planUuid;
        if (limits != null) {
            o.limits.putAll(limits);
        }
        switch (o.type) {
            case "Update" -> o.attributes.put("old_limits", new LinkedHashMap<>(r.limits));
            case "Terminate" -> { }
            default -> {
                o.attributes.put("name", r.name);
                if (r.limits.isEmpty() && limits != null) {
                    r.limits.putAll(limits);
                }
            }
        }
        s.orders.put(o.uuid, o);
        return o.uuid;
    }

    static String offeringUser(MarketplaceState s, String offeringUuid, String userUuid, String username, String state) {
        Model.OfferingUser ou = new Model.OfferingUser();
        ou.uuid = Model.newUuid();
        ou.offeringUuid = known(s.offerings, offeringUuid, "offering");
        ou.userUuid = known(s.users, userUuid, "user");
        ou.username = username;
        ou.state = choice(state, OfferingUserHandlers.STATES, "offering user state");
        s.offeringUsers.put(ou.uuid, ou);
        return ou.uuid;
    }
}
