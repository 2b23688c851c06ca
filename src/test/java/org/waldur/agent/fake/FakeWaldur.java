package org.waldur.agent.fake;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process Waldur marketplace for tests and demos: real state (orders, resources, usages, offering users),
 * the provider endpoints a SLURM site agent calls, and OpenAPI validation of every request
 * (see waldur-api.md §17). Bound to 127.0.0.1; one API token.
 *
 * <p>Seeding and inspection methods are thread-safe and may be called while the agent runs.
 */
public final class FakeWaldur implements AutoCloseable {
    static {
        // The JDK server otherwise waits on Nagle's algorithm: ~25 ms per request, most of a route test's time.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Offering component as seeded; billingType is one of fixed, usage, limit, one, few. */
    public record Component(String type, String name, String billingType, String measuredUnit, int unitFactor) {
    }

    /** One HTTP request as received; status is the status answered (0 while still in flight). */
    public record RecordedRequest(String method, String path, String query, String body, int status) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpFront front;
    private final MarketplaceState state;
    private final Faults faults = new Faults();
    private final OrderHandlers orders;
    private final ResourceHandlers resources;
    private final UsageHandlers usages;
    private final OfferingUserHandlers offeringUsers;
    private final Recorder recorder = new Recorder(OpenApiCheck.get());
    private final String providerCustomerUuid;
    private final EventHandlers events;

    private FakeWaldur(String token, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind fake Waldur to 127.0.0.1:" + port, e);
        }
        state = new MarketplaceState("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
        orders = new OrderHandlers(state);
        resources = new ResourceHandlers(state, orders);
        usages = new UsageHandlers(state);
        offeringUsers = new OfferingUserHandlers(state);
        Router router = new Router();
        orders.register(router);
        resources.register(router);
        usages.register(router);
        offeringUsers.register(router);
        new OfferingHandlers(state).register(router);
        new AccountHandlers(state).register(router);
        new BootstrapHandlers(state).register(router);
        events = new EventHandlers(state, token);
        events.register(router);
        state.events = events;
        providerCustomerUuid = addCustomer("HPC Provider", "hpc-provider");
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-waldur");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        front = new HttpFront(this, recorder, state, router, faults, token);
        server.createContext("/", front);
        server.start();
    }

    public static FakeWaldur start(String token) {
        return start(token, 0);
    }

    public static FakeWaldur start(String token, int port) {
        return new FakeWaldur(token, port);
    }

    private volatile OidcIssuer oidc;

    /**
     * Serves an OIDC client-credentials token endpoint for this client and accepts its bearer tokens, each valid
     * for {@code ttlSeconds}; returns the token URL for {@code oidc_token_url}.
     */
    public String enableOidc(String clientId, String clientSecret, long ttlSeconds) {
        oidc = new OidcIssuer(clientId, clientSecret, ttlSeconds);
        return "http://127.0.0.1:" + port() + "/__fake/oidc/token";
    }

    /** How many tokens the OIDC endpoint has issued. */
    public int oidcGrants() {
        return oidc == null ? 0 : oidc.grants();
    }

    OidcIssuer oidc() {
        return oidc;
    }

    /** "http://127.0.0.1:&lt;port&gt;/api/". */
    public String apiUrl() {
        return state.api + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        events.close();
        server.stop(0);
        executor.shutdownNow();
    }

    /** Standalone server for demos; see {@link DemoSeed#main(String[])} for the options. */
    public static void main(String[] args) {
        DemoSeed.main(args);
    }

    // ---------------------------------------------------------------- events (a real RabbitMQ)

    /** From now on, subscriptions provision the broker and marketplace changes publish events to it. */
    public FakeWaldur attachBroker(WaldurBroker broker) {
        events.attach(broker);
        return this;
    }

    /** A queue made by create_queue: its vhost, name, offering and object type. */
    public record EventQueue(String vhost, String name, String offeringUuid, String type) {
    }

    public List<EventQueue> eventQueues() {
        return events.queues().stream().map(q -> new EventQueue(q.vhost(), q.name(), q.offeringUuid(), q.type())).toList();
    }

    /** Publishes a message as Waldur would for a change of {@code type} ("order", "user_role", …) of the offering. */
    public void publishEvent(String offeringUuid, String type, Map<String, Object> message) {
        synchronized (state) {
            events.publish(offeringUuid, type, message);
        }
    }

    /** Publishes a message to one queue, whatever it says (a foreign offering's event, garbage). */
    public void publishRaw(EventQueue q, Map<String, Object> message) {
        events.publishRaw(new EventHandlers.Queue(null, q.offeringUuid(), q.type(), q.name(), q.vhost()), message);
    }

    /** A SLURM periodic usage policy of the offering (Waldur computes its settings; here the test gives them). */
    public String addPeriodicPolicy(String offeringUuid) {
        synchronized (state) {
            return events.addPolicy(offeringUuid);
        }
    }

    /**
     * What Waldur's policy does at a period boundary or a policy change: publishes RESOURCE_PERIODIC_LIMITS for the
     * resource with the settings it computed ({@code fairshare}, {@code limit_type}, {@code grp_tres_mins},
     * {@code reset_raw_usage}, …), in Waldur's message format.
     */
    public void publishPeriodicLimits(String policyUuid, String resourceUuid, Map<String, Object> settings) {
        synchronized (state) {
            events.periodicLimits(policyUuid, state.resources.get(Model.normUuid(resourceUuid)), settings);
        }
    }

    /** The report-command-result calls accepted so far: policy_uuid, resource_uuid, success, error_message, …. */
    public List<Map<String, Object>> periodicCommandResults() {
        synchronized (state) {
            return events.commandResults();
        }
    }

    /** Events that could not be published (the broker was down): Waldur loses them too. */
    public int lostEvents() {
        return events.lost();
    }

    /** Messages handed to the broker so far. */
    public int publishedEvents() {
        return events.published();
    }

    // ---------------------------------------------------------------- seeding

    public String addCustomer(String name, String slug) {
        synchronized (state) {
            Model.Customer c = new Model.Customer();
            c.uuid = Model.newUuid();
            c.name = name;
            c.slug = slug;
            state.customers.put(c.uuid, c);
            return c.uuid;
        }
    }

    public String addProject(String customerUuid, String name, String slug) {
        synchronized (state) {
            Model.Project p = new Model.Project();
            p.uuid = Model.newUuid();
            p.customerUuid = Seeding.known(state.customers, customerUuid, "customer");
            p.name = name;
            p.slug = slug;
            state.projects.put(p.uuid, p);
            return p.uuid;
        }
    }

    /** The project moves to another customer, as a Waldur staff user can do: its resources' customer fields follow. */
    public void moveProject(String projectUuid, String customerUuid) {
        synchronized (state) {
            Model.Project p = state.projects.get(Seeding.known(state.projects, projectUuid, "project"));
            p.customerUuid = Seeding.known(state.customers, customerUuid, "customer");
        }
    }

    /** A Marketplace.Slurm offering of the provider organisation ({@link #providerCustomerUuid()}), with one plan. */
    public String addOffering(String name, List<Component> components, Map<String, Object> pluginOptions) {
        synchronized (state) {
            return Seeding.offering(state, providerCustomerUuid, name, components, pluginOptions);
        }
    }

    public String addResource(String offeringUuid, String projectUuid, String name, String slug, String state,
                              String backendId, Map<String, Integer> limits) {
        synchronized (this.state) {
            return Seeding.resource(this.state, offeringUuid, projectUuid, name, slug, state, backendId, limits);
        }
    }

    /**
     * An order for a resource. {@code resourceUuid} may be null for Create/Restore: a resource in Creating is
     * then made up. Create attributes are {@code {"name": <resource name>}}; Update carries {@code old_limits}.
     */
    public String addOrder(String offeringUuid, String resourceUuid, String type, String state,
                           Map<String, Integer> limits) {
        synchronized (this.state) {
            String uuid = Seeding.order(this.state, offeringUuid, resourceUuid, type, state, limits);
            this.state.events.order(this.state.orders.get(uuid));
            return uuid;
        }
    }

    /** A prepaid resource's term: when it was created and its {@code end_date} ({@code YYYY-MM-DD} or null). */
    public void setResourceTerm(String resourceUuid, java.time.Instant created, String endDate) {
        synchronized (state) {
            Model.Resource r = state.resource(resourceUuid);
            r.created = created;
            r.endDate = endDate;
        }
    }

    /**
     * A renewal: an Update order whose attributes say {@code action: renew} with the old and new end dates
     * (waldur-api.md §8.3); done, it moves the resource's end_date. Limits default to the resource's own.
     */
    public String addRenewal(String offeringUuid, String resourceUuid, String newEndDate, Map<String, Integer> limits) {
        synchronized (state) {
            Model.Resource r = state.resource(resourceUuid);
            String order = Seeding.order(state, offeringUuid, resourceUuid, "Update", "executing",
                    limits == null || limits.isEmpty() ? r.limits : limits);
            Model.Order o = state.order(order);
            o.attributes.put("action", "renew");
            o.attributes.put("old_end_date", r.endDate);
            o.attributes.put("new_end_date", newEndDate);
            return order;
        }
    }

    public String addUser(String username, String fullName) {
        synchronized (state) {
            Model.User u = new Model.User();
            u.uuid = Model.newUuid();
            u.username = username;
            u.fullName = fullName;
            u.email = username + "@example.org";
            state.users.put(u.uuid, u);
            return u.uuid;
        }
    }

    public void addTeamMember(String projectUuid, String userUuid, String role) {
        synchronized (state) {
            Model.TeamMember tm = new Model.TeamMember();
            tm.projectUuid = Seeding.known(state.projects, projectUuid, "project");
            tm.userUuid = Seeding.known(state.users, userUuid, "user");
            tm.role = role;
            state.team.add(tm);
            state.events.role(tm.projectUuid, tm.userUuid, role, true);
        }
    }

    /** A project service account in state OK; Waldur publishes a SERVICE_ACCOUNT "create" message. */
    public String addServiceAccount(String projectUuid, String username) {
        return addProjectAccount("service_account", projectUuid, username);
    }

    /** A course account in state OK; Waldur publishes a COURSE_ACCOUNT "create" message. */
    public String addCourseAccount(String projectUuid, String username) {
        return addProjectAccount("course_account", projectUuid, username);
    }

    private String addProjectAccount(String kind, String projectUuid, String username) {
        synchronized (state) {
            Model.ProjectAccount a = new Model.ProjectAccount();
            a.kind = kind;
            a.projectUuid = Seeding.known(state.projects, projectUuid, "project");
            a.username = username;
            state.projectAccounts.put(a.uuid, a);
            state.events.account(a, "create");
            return a.uuid;
        }
    }

    /** OK, Closed or Erred; closing publishes a "delete" message, reopening a "create" one. */
    public void setAccountState(String accountUuid, String newState) {
        synchronized (state) {
            Model.ProjectAccount a = state.projectAccounts.get(Seeding.known(state.projectAccounts, accountUuid, "account"));
            boolean wasOk = "OK".equals(a.state);
            a.state = newState;
            a.modified = java.time.Instant.now();
            if (wasOk != "OK".equals(newState)) {
                state.events.account(a, wasOk ? "delete" : "create");
            }
        }
    }

    public String addOfferingUser(String offeringUuid, String userUuid, String username, String state) {
        synchronized (this.state) {
            return Seeding.offeringUser(this.state, offeringUuid, userUuid, username, state);
        }
    }

    /**
     * The offering user's username is set (and the user is OK): Waldur publishes OFFERING_USER {@code username_set}
     * naming the offering's allocations in the user's projects.
     */
    public void setOfferingUsername(String offeringUserUuid, String username) {
        synchronized (state) {
            Model.OfferingUser ou = state.offeringUser(offeringUserUuid);
            boolean set = (ou.username == null || ou.username.isEmpty()) && !username.isEmpty();
            ou.username = username;
            ou.state = "OK";
            ou.modified = java.time.Instant.now();
            if (set) {
                state.events.usernameSet(ou);
            }
        }
    }

    public void setResourceFlags(String resourceUuid, boolean paused, boolean downscaled, boolean restrictMemberAccess) {
        synchronized (state) {
            Model.Resource r = state.resources.get(Seeding.known(state.resources, resourceUuid, "resource"));
            boolean changed = r.paused != paused || r.downscaled != downscaled || r.restrictMemberAccess != restrictMemberAccess;
            r.paused = paused;
            r.downscaled = downscaled;
            r.restrictMemberAccess = restrictMemberAccess;
            state.touch(r);
            if (changed) {
                state.events.resourceFlags(r);
            }
        }
    }

    public void setResourceState(String resourceUuid, String state) {
        synchronized (this.state) {
            Model.Resource r = this.state.resources.get(Seeding.known(this.state.resources, resourceUuid, "resource"));
            r.state = Seeding.choice(state, ResourceHandlers.STATES, "resource state");
            this.state.touch(r);
        }
    }

    /** Moves an order without side effects on its resource (e.g. to set up a stuck or erred order). */
    public void setOrderState(String orderUuid, String state) {
        synchronized (this.state) {
            Model.Order o = this.state.orders.get(Seeding.known(this.state.orders, orderUuid, "order"));
            o.state = Seeding.choice(state, OrderHandlers.STATES, "order state");
            this.state.touch(o);
        }
    }

    /** Back-dates an order's {@code modified} (the {@code modified_before} filter finds stuck orders by it). */
    public void setOrderModified(String orderUuid, Instant modified) {
        synchronized (state) {
            state.orders.get(Seeding.known(state.orders, orderUuid, "order")).modified = modified;
        }
    }

    public void setResourceLimits(String resourceUuid, Map<String, Integer> limits) {
        synchronized (state) {
            Model.Resource r = state.resources.get(Seeding.known(state.resources, resourceUuid, "resource"));
            r.limits = limits == null ? new LinkedHashMap<>() : new LinkedHashMap<>(limits);
            state.touch(r);
        }
    }

    /** Default page size of every list (the server's is 10); page_size still overrides it, clamped to 300. */
    public void setPageSize(int defaultPageSize) {
        synchronized (state) {
            state.defaultPageSize = Math.max(1, Math.min(defaultPageSize, Paging.MAX_PAGE_SIZE));
        }
    }

    /** When on, set_usage rejects past-month dates for usage-type components like a non-staff 8.x server. */
    /** The server's TIME_ZONE (default UTC): the zone in which a usage date's month is its billing period. */
    public void setServerTimeZone(java.time.ZoneId zone) {
        synchronized (state) {
            state.serverZone = zone;
        }
    }

    /** Pins the server's "now" for usage (future dates, backfill, the current billing period); null = real clock. */
    public void setNow(java.time.Instant now) {
        synchronized (state) {
            state.fixedNow = now;
        }
    }

    public void setRejectBackfill(boolean reject) {
        synchronized (state) {
            state.rejectBackfill = reject;
        }
    }

    /** Makes the token's user staff: {@code GET /api/version/} then answers instead of 403. */
    public void setStaff(boolean staff) {
        synchronized (state) {
            state.caller.staff = staff;
        }
    }

    /** The organisation that owns every offering added with {@link #addOffering}. */
    public String providerCustomerUuid() {
        return providerCustomerUuid;
    }

    public String planUuid(String offeringUuid) {
        synchronized (state) {
            return state.offerings.get(Seeding.known(state.offerings, offeringUuid, "offering")).planUuid;
        }
    }

    /** Plan quotas (component type → number) read by the agent for Update orders without limits. */
    public void setPlanQuotas(String offeringUuid, Map<String, Object> quotas) {
        synchronized (state) {
            Model.Plan p = state.plans.get(planUuid(offeringUuid));
            p.quotas.clear();
            p.quotas.putAll(quotas);
        }
    }

    public void setOfferingPluginOption(String offeringUuid, String key, Object value) {
        synchronized (state) {
            state.offering(offeringUuid).pluginOptions.put(key, value);
        }
    }

    public void setOfferingBackendId(String offeringUuid, String backendId) {
        synchronized (state) {
            state.offerings.get(Seeding.known(state.offerings, offeringUuid, "offering")).backendId = backendId;
        }
    }

    public void addPartition(String offeringUuid, String partitionName) {
        synchronized (state) {
            state.offerings.get(Seeding.known(state.offerings, offeringUuid, "offering"))
                    .partitions.put(partitionName, Model.newUuid());
        }
    }

    /** A per-user component limit listed by {@code GET /api/component-user-usage-limits/}. */
    public String addComponentUserUsageLimit(String resourceUuid, String componentType, String userUuid, String limit) {
        synchronized (state) {
            Model.UserUsageLimit l = new Model.UserUsageLimit();
            l.resourceUuid = Seeding.known(state.resources, resourceUuid, "resource");
            l.componentType = componentType;
            l.userUuid = Seeding.known(state.users, userUuid, "user");
            l.limit = limit;
            state.userUsageLimits.put(l.uuid, l);
            return l.uuid;
        }
    }

    // ---------------------------------------------------------------- inspection

    public Map<String, Object> order(String uuid) {
        synchronized (state) {
            return Json.roundTrip(orders.render(state.orders.get(Seeding.known(state.orders, uuid, "order"))));
        }
    }

    public Map<String, Object> resource(String uuid) {
        synchronized (state) {
            return Json.roundTrip(resources.render(state.resources.get(Seeding.known(state.resources, uuid, "resource"))));
        }
    }

    public Map<String, Object> offeringUser(String uuid) {
        synchronized (state) {
            return Json.roundTrip(offeringUsers.render(
                    state.offeringUsers.get(Seeding.known(state.offeringUsers, uuid, "offering user"))));
        }
    }

    /** ComponentUsage rows of a resource, all billing periods, oldest period first. */
    public List<Map<String, Object>> componentUsages(String resourceUuid) {
        synchronized (state) {
            String id = Model.normUuid(resourceUuid);
            List<Map<String, Object>> out = new ArrayList<>();
            state.usages.values().stream().filter(u -> u.resourceUuid.equals(id))
                    .sorted(Comparator.comparing((Model.ComponentUsage u) -> u.billingPeriod))
                    .forEach(u -> out.add(usages.views.render(u)));
            return Json.roundTripList(out);
        }
    }

    public List<Map<String, Object>> componentUserUsages(String resourceUuid) {
        synchronized (state) {
            String id = Model.normUuid(resourceUuid);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Model.ComponentUserUsage uu : state.userUsages.values()) {
                if (state.usages.get(uu.componentUsageUuid).resourceUuid.equals(id)) {
                    out.add(usages.views.render(uu));
                }
            }
            return Json.roundTripList(out);
        }
    }

    /** Everything a demo wants to print: orders, resources, usages, offering users (also GET /__fake/state). */
    /** The offering's components as Waldur holds them (what load-components writes). */
    public List<Map<String, Object>> offeringComponents(String offeringUuid) {
        synchronized (state) {
            return Json.roundTripList(new ArrayList<>(state.offering(offeringUuid).components));
        }
    }

    public Map<String, Object> stateDump() {
        synchronized (state) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("orders", state.orders.values().stream().map(orders::render).toList());
            m.put("resources", state.resources.values().stream().map(resources::render).toList());
            m.put("component_usages", state.usages.values().stream().map(usages.views::render).toList());
            m.put("component_user_usages", state.userUsages.values().stream().map(usages.views::render).toList());
            m.put("offering_users", state.offeringUsers.values().stream().map(offeringUsers::render).toList());
            return Json.roundTrip(m);
        }
    }

    public List<RecordedRequest> requests() {
        return recorder.requests();
    }

    /** Requests whose method equals {@code method} (case-insensitive; null or "*" = any) and path matches the regex. */
    public long count(String method, String pathRegex) {
        return recorder.count(method, pathRegex);
    }

    /** OpenAPI violations and unknown endpoints, one human-readable line each ("METHOD /path: ..."). */
    public List<String> violations() {
        return recorder.violations();
    }

    public void assertNoViolations() {
        List<String> v = violations();
        if (!v.isEmpty()) {
            throw new AssertionError("fake Waldur saw " + v.size() + " API contract violation(s):\n  - "
                    + String.join("\n  - ", v));
        }
    }

    /**
     * {@code System.nanoTime()} of this JVM at which the first API request (since the last {@link #clearRequests()})
     * arrived, or -1: a bench launching the agent takes its own nanoTime before the start to get the time to first
     * request.
     */
    public long firstRequestNanos() {
        return recorder.firstArrivalNanos();
    }

    public void clearRequests() {
        recorder.clearRequests();
    }

    public void clearViolations() {
        recorder.clearViolations();
    }

    // ---------------------------------------------------------------- faults

    /** The next {@code times} requests (any endpoint) get {@code status} with a JSON body. */
    public void failNext(int times, int status) {
        faults.failNext(times, status);
    }

    /** Matching requests get {@code status}, {@code times} times ({@code times < 0}: until cleared). */
    public void failMatching(String method, String pathRegex, int status, int times) {
        faults.failMatching(method, pathRegex, status, times);
    }

    /**
     * A lost response: matching requests are applied (state changes, recorded), then the connection is closed
     * without an answer, {@code times} times ({@code times < 0}: until cleared) — the client sees an I/O error.
     */
    public void dropAfterApplying(String method, String pathRegex, int times) {
        faults.dropAfterApplying(method, pathRegex, times);
    }

    public void delayMatching(String method, String pathRegex, long millis) {
        faults.delayMatching(method, pathRegex, millis);
    }

    /** Requests that came back before the Retry-After of the 429 the fake sent them had passed. */
    public int earlyRetries() {
        return faults.earlyRetries();
    }

    /** The most requests the fake has been answering at once (with a delay, how many the agent sends in parallel). */
    public int maxInFlight() {
        return front.maxInFlight();
    }

    public void clearFaults() {
        faults.clear();
    }

    public void setDown(boolean down) {
        faults.setDown(down);
    }

    // ---------------------------------------------------------------- for the fake's own tests

    /** Lenient response validation of every 2xx answer; results in {@link #responseIssues()}. */
    void checkResponses(boolean on) {
        recorder.checkResponses(on);
    }

    List<String> responseIssues() {
        return recorder.responseIssues();
    }
}
