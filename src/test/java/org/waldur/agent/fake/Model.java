package org.waldur.agent.fake;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Mutable marketplace entities of the fake. Plain field bags: all access happens under the
 * {@link MarketplaceState} lock, and JSON rendering lives with the handler of each area.
 */
final class Model {
    private Model() {
    }

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** New Waldur-style uuid: 32 lowercase hex characters, no hyphens. */
    static String newUuid() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Accepts both the hex and the hyphenated form; returns 32-hex or null when not a uuid. */
    static String normUuid(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.length() == 36 && s.charAt(8) == '-' && s.charAt(13) == '-' && s.charAt(18) == '-' && s.charAt(23) == '-') {
            s = s.replace("-", "");
        }
        return HEX32.matcher(s).matches() ? s : null;
    }

    /** Datetime as Waldur prints it: microseconds, UTC, "Z". */
    /** The offering, provider and plan fields that orders and resources both carry. */
    static void putOfferingAndPlan(Map<String, Object> m, MarketplaceState s, Offering off, Customer provider, Plan plan) {
        m.put("offering", s.url("marketplace-public-offerings", off.uuid));
        m.put("offering_name", off.name);
        m.put("offering_uuid", off.uuid);
        m.put("offering_description", "");
        m.put("offering_type", off.type);
        m.put("offering_shared", true);
        m.put("offering_billable", true);
        m.put("offering_plugin_options", off.pluginOptions);
        m.put("provider_name", provider.name);
        m.put("provider_uuid", provider.uuid);
        m.put("provider_slug", provider.slug);
        m.put("category_title", "HPC");
        m.put("plan", plan == null ? null : s.url("marketplace-public-plans", plan.uuid));
        m.put("plan_unit", plan == null ? null : "month");
        m.put("plan_name", plan == null ? null : plan.name);
        m.put("plan_uuid", plan == null ? null : plan.uuid);
        m.put("plan_description", plan == null ? null : "");
    }

    static String ts(Instant t) {
        return t == null ? null : TS.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    static final class Customer {
        String uuid, name, slug;
        String serviceProviderUuid = newUuid();
        Instant created = Instant.now();
    }

    static final class Project {
        String uuid, customerUuid, name, slug, description = "";
        Instant created = Instant.now();
    }

    static final class Offering {
        String uuid, customerUuid, name, slug, type = "Marketplace.Slurm", backendId = "", planUuid;
        /** Components in their JSON form (OfferingComponent), so create/update_offering_component can merge fields. */
        final List<Map<String, Object>> components = new ArrayList<>();
        Map<String, Object> pluginOptions = new LinkedHashMap<>();
        /** Partition name → partition uuid. */
        final Map<String, String> partitions = new LinkedHashMap<>();
        Instant created = Instant.now();

        Map<String, Object> component(String type) {
            for (Map<String, Object> c : components) {
                if (type.equals(c.get("type"))) {
                    return c;
                }
            }
            return null;
        }
    }

    static final class Plan {
        String uuid, offeringUuid, name;
        final Map<String, Object> quotas = new LinkedHashMap<>();
        Instant created = Instant.now();
    }

    static final class Resource {
        String uuid, offeringUuid, projectUuid, planUuid, name, slug, state, backendId = "";
        Map<String, Integer> limits = new LinkedHashMap<>();
        Map<String, Object> attributes = new LinkedHashMap<>();
        Map<String, Object> backendMetadata = new LinkedHashMap<>();
        boolean paused, downscaled, restrictMemberAccess;
        String endDate;
        String errorMessage = "", errorTraceback = "";
        Instant created = Instant.now(), modified = created, lastSync;
    }

    static final class Order {
        String uuid, offeringUuid, resourceUuid, planUuid, type, state;
        Map<String, Integer> limits = new LinkedHashMap<>();
        Map<String, Object> attributes = new LinkedHashMap<>();
        String backendId = "", errorMessage = "", errorTraceback = "", providerRejectionComment = "";
        Instant created = Instant.now(), modified = created, completedAt, providerReviewedAt;
    }

    static final class User {
        String uuid, username, fullName, email;
        boolean staff;
        Instant created = Instant.now();
    }

    static final class TeamMember {
        String projectUuid, userUuid, role;
    }

    /** A project service account ({@code kind} "service_account") or course account ("course_account"). */
    static final class ProjectAccount {
        String uuid = newUuid(), kind, projectUuid, username, state = "OK", description = "";
        String userUuid = newUuid();
        Instant created = Instant.now(), modified = created;
    }

    static final class OfferingUser {
        String uuid, offeringUuid, userUuid, username, state;
        boolean restricted;
        String comment = "", commentUrl = "";
        Instant created = Instant.now(), modified = created;
    }

    /** A plan period; opened when a Create/Restore order is done (usage needs one upstream). */
    static final class PlanPeriod {
        String uuid = newUuid(), resourceUuid, planUuid;
        Instant start = Instant.now(), end;
    }

    static final class ComponentUsage {
        String uuid = newUuid(), resourceUuid, type, description = "";
        LocalDate billingPeriod;
        BigDecimal usage = BigDecimal.ZERO;
        Instant date, created = Instant.now(), modified = created;
        boolean recurring;
    }

    static final class ComponentUserUsage {
        String uuid = newUuid(), componentUsageUuid, username, userUrl, description = "", backendId = "";
        BigDecimal usage = BigDecimal.ZERO;
        Instant date, created = Instant.now(), modified = created;
    }

    static final class UserUsageLimit {
        String uuid = newUuid(), resourceUuid, componentType, userUuid, limit;
    }

    static final class AgentIdentity {
        String uuid = newUuid(), offeringUuid, name, version, configFilePath, configFileContent;
        Object dependencies;
        String lastRestarted;
        final List<AgentService> services = new ArrayList<>();
        Instant created = Instant.now(), modified = created;
    }

    static final class AgentService {
        String uuid = newUuid(), identityUuid, name, mode;
        final List<AgentProcessor> processors = new ArrayList<>();
        Instant created = Instant.now(), modified = created;
    }

    static final class AgentProcessor {
        String uuid = newUuid(), serviceUuid, name, backendType, backendVersion;
        Instant created = Instant.now(), modified = created;
    }
}
