package org.waldur.agent.events;

import org.waldur.agent.waldur.Resource;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The objects of one offering a pass serves, so that an event runs the polling code for what it names only:
 * the orders of ORDER events; the allocations of the projects (USER_ROLE), of the resources (RESOURCE) or of the
 * backend_ids (OFFERING_USER's username_set) named. {@link #WHOLE} is the poll cycle's scope (catch-up,
 * reconciliation, and events that name nothing narrower). Merging the scopes of a collection window gives the
 * union, so a burst is still one pass. Pure: UUIDs are compared as Waldur's 32-hex form.
 *
 * <p>The order pass reads the named orders one by one ({@code marketplace-orders/{uuid}/}) instead of listing
 * the offering's orders: the 8.0.5 order list has no uuid filter. The membership pass lists the offering's
 * resources (narrowed to a project by Waldur when the scope names exactly one project and nothing else) and
 * keeps those the scope covers (routes/order-process.camel.yaml, routes/membership-sync.camel.yaml).
 */
public record EventScope(boolean whole, Set<String> orders, Set<String> projects, Set<String> resources,
                         Set<String> backendIds) {
    public static final EventScope WHOLE = new EventScope(true, Set.of(), Set.of(), Set.of(), Set.of());

    public EventScope {
        orders = Set.copyOf(orders);
        projects = Set.copyOf(projects);
        resources = Set.copyOf(resources);
        backendIds = Set.copyOf(backendIds);
    }

    public static EventScope order(String uuid) {
        return new EventScope(false, Set.of(hex(uuid)), Set.of(), Set.of(), Set.of());
    }

    public static EventScope project(String uuid) {
        return new EventScope(false, Set.of(), Set.of(hex(uuid)), Set.of(), Set.of());
    }

    public static EventScope resource(String uuid) {
        return new EventScope(false, Set.of(), Set.of(), Set.of(hex(uuid)), Set.of());
    }

    public static EventScope backendIds(Collection<String> ids) {
        return new EventScope(false, Set.of(), Set.of(), Set.of(), Set.copyOf(ids));
    }

    /** The union: what either pass would have served (WHOLE absorbs everything). */
    public EventScope merge(EventScope other) {
        if (whole || other.whole) {
            return WHOLE;
        }
        return new EventScope(false, union(orders, other.orders), union(projects, other.projects),
                union(resources, other.resources), union(backendIds, other.backendIds));
    }

    /** The named orders, sorted (the order the pass reads them in). */
    public List<String> orderUuids() {
        return List.copyOf(new TreeSet<>(orders));
    }

    /** Whether the membership pass syncs this resource. */
    public boolean covers(Resource r) {
        return whole || (r.projectUuid() != null && projects.contains(hex(r.projectUuid())))
                || (r.uuid() != null && resources.contains(hex(r.uuid())))
                || (r.backendId() != null && backendIds.contains(r.backendId()));
    }

    /**
     * Extra query for the offering's resource list: Waldur narrows it to the project when that project is all the
     * scope names ({@code project_uuid} takes one value); otherwise nothing, and {@link #covers} selects.
     */
    public String projectFilter() {
        boolean onlyOneProject = !whole && projects.size() == 1 && resources.isEmpty() && backendIds.isEmpty();
        return onlyOneProject ? "&project_uuid=" + projects.iterator().next() : "";
    }

    @Override
    public String toString() {
        if (whole) {
            return "the whole offering";
        }
        StringBuilder s = new StringBuilder();
        append(s, "order", orders);
        append(s, "project", projects);
        append(s, "resource", resources);
        append(s, "backend_id", backendIds);
        return s.isEmpty() ? "nothing" : s.toString();
    }

    private static void append(StringBuilder s, String what, Set<String> ids) {
        if (!ids.isEmpty()) {
            s.append(s.isEmpty() ? "" : ", ").append(ids.size()).append(' ').append(what).append(ids.size() == 1 ? "" : "s");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    static String hex(String uuid) {
        return uuid.replace("-", "").toLowerCase();
    }
}
