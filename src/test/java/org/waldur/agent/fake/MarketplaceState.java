package org.waldur.agent.fake;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All marketplace data of one fake Waldur. Every read and write happens while holding this object's monitor
 * ({@code synchronized (state)}); the HTTP front takes it around each handler call, the seeding API around
 * each method.
 */
final class MarketplaceState {
    /** Absolute API root without trailing slash, e.g. "http://127.0.0.1:8081/api". Used in {@code url} fields. */
    final String api;

    final Map<String, Model.Customer> customers = new LinkedHashMap<>();
    final Map<String, Model.Project> projects = new LinkedHashMap<>();
    final Map<String, Model.Offering> offerings = new LinkedHashMap<>();
    final Map<String, Model.Plan> plans = new LinkedHashMap<>();
    final Map<String, Model.Resource> resources = new LinkedHashMap<>();
    final Map<String, Model.Order> orders = new LinkedHashMap<>();
    final Map<String, Model.User> users = new LinkedHashMap<>();
    final List<Model.TeamMember> team = new ArrayList<>();
    final Map<String, Model.OfferingUser> offeringUsers = new LinkedHashMap<>();
    final Map<String, Model.ProjectAccount> projectAccounts = new LinkedHashMap<>();
    final List<Model.PlanPeriod> planPeriods = new ArrayList<>();
    final Map<String, Model.ComponentUsage> usages = new LinkedHashMap<>();
    final Map<String, Model.ComponentUserUsage> userUsages = new LinkedHashMap<>();
    final Map<String, Model.UserUsageLimit> userUsageLimits = new LinkedHashMap<>();
    final Map<String, Model.AgentIdentity> identities = new LinkedHashMap<>();
    final Map<String, Model.AgentService> services = new LinkedHashMap<>();

    /** The user behind the API token (a service-provider manager, not staff). */
    final Model.User caller = new Model.User();

    int defaultPageSize = 10;
    /** The server's clock for usage dates (future dates, backfill); null = the real clock. */
    Instant fixedNow;
    /** Django's TIME_ZONE: decides which month a usage date falls in. */
    ZoneId serverZone = ZoneOffset.UTC;
    boolean rejectBackfill;

    MarketplaceState(String api) {
        this.api = api;
        caller.uuid = Model.newUuid();
        caller.username = "site-agent";
        caller.fullName = "Site Agent";
        caller.email = "site-agent@example.org";
    }

    String url(String collection, String uuid) {
        return api + "/" + collection + "/" + uuid + "/";
    }

    Model.Customer customer(String uuid) {
        return require(customers.get(uuid), "Customer");
    }

    Model.Project project(String uuid) {
        return require(projects.get(uuid), "Project");
    }

    Model.Offering offering(String uuid) {
        return require(offerings.get(uuid), "Offering");
    }

    Model.Resource resource(String uuid) {
        return require(resources.get(uuid), "Resource");
    }

    Model.Order order(String uuid) {
        return require(orders.get(uuid), "Order");
    }

    Model.User user(String uuid) {
        return require(users.get(uuid), "User");
    }

    Model.OfferingUser offeringUser(String uuid) {
        return require(offeringUsers.get(uuid), "OfferingUser");
    }

    Model.ComponentUsage usage(String uuid) {
        return require(usages.get(uuid), "ComponentUsage");
    }

    Model.Plan plan(String uuid) {
        return require(plans.get(uuid), "Plan");
    }

    private static <T> T require(T value, String model) {
        if (value == null) {
            throw ApiError.notFound(model);
        }
        return value;
    }

    Model.OfferingUser offeringUserOf(String offeringUuid, String userUuid) {
        for (Model.OfferingUser ou : offeringUsers.values()) {
            if (ou.offeringUuid.equals(offeringUuid) && ou.userUuid.equals(userUuid)) {
                return ou;
            }
        }
        return null;
    }

    Model.ComponentUsage usageOf(String resourceUuid, String type, LocalDate period) {
        for (Model.ComponentUsage u : usages.values()) {
            if (u.resourceUuid.equals(resourceUuid) && u.type.equals(type) && u.billingPeriod.equals(period)) {
                return u;
            }
        }
        return null;
    }

    /**
     * Billing period of an instant: the first day of its month in the server's TIME_ZONE, as Waldur's
     * {@code core_utils.month_start} does (waldur-api.md §10.2: with Europe/Tallinn, 31 Jul 21:25 UTC is August).
     */
    Instant now() {
        return fixedNow != null ? fixedNow : Instant.now();
    }

    LocalDate billingPeriod(Instant t) {
        return YearMonth.from(t.atZone(serverZone)).atDay(1);
    }

    /** Opens a plan period for a resource that became OK through a Create/Restore order. */
    void openPlanPeriod(Model.Resource r) {
        for (Model.PlanPeriod p : planPeriods) {
            if (p.resourceUuid.equals(r.uuid) && p.end == null) {
                return;
            }
        }
        Model.PlanPeriod p = new Model.PlanPeriod();
        p.resourceUuid = r.uuid;
        p.planUuid = r.planUuid;
        planPeriods.add(p);
    }

    void touch(Model.Resource r) {
        r.modified = Instant.now();
    }

    void touch(Model.Order o) {
        o.modified = Instant.now();
        events.order(o);
    }

    /** Where marketplace changes become Waldur events (EventHandlers); called under this object's monitor. */
    interface EventSink {
        EventSink NONE = new EventSink() {
        };

        default void order(Model.Order o) {
        }

        default void role(String projectUuid, String userUuid, String role, boolean granted) {
        }

        /** paused, downscaled or restrict_member_access changed: what the agent's membership pass acts on. */
        default void resourceFlags(Model.Resource r) {
        }

        /** An offering user got its username: Waldur's OFFERING_USER {@code username_set}. */
        default void usernameSet(Model.OfferingUser ou) {
        }

        /** A service or course account created ("create") or closed/deleted ("delete"). */
        default void account(Model.ProjectAccount a, String action) {
        }
    }

    EventSink events = EventSink.NONE;
}
