package org.waldur.agent.accounts;

import org.waldur.agent.accounting.PrepaidTerm;
import org.waldur.agent.accounting.TresConverter;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.membership.ProjectAccounts;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.slurm.TresString;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Plans one offering's orders for one cycle against one SLURM snapshot: what must exist (accounts, parents,
 * GrpTRESMins, user associations) and what must go. The plan is declarative — it only asks for what the
 * snapshot lacks — so re-running after a crash at any point finishes the work without duplicates.
 * Everything the cycle's orders need is merged into {@link #batch(String) one load per kind}; each order keeps
 * its own part for the one-by-one fallback when the batch fails.
 */
public final class OrderPlanner {
    private final OfferingConfig offering;
    private final SlurmSettings s;
    private final AssociationSnapshot snapshot;
    private final Set<String> knownTres;
    private final AccountNaming naming;
    private final TresConverter converter;
    private final Consumer<String> warn;
    private final List<OrderWork> works = new ArrayList<>();
    private final Set<String> warnedTres = new LinkedHashSet<>();
    private final Set<String> defaultAssociations = new LinkedHashSet<>();
    /** backend_id → uuid of every resource of the offering Waldur knows, in any state (terminated ones too). */
    private final Map<String, String> waldurNames = new LinkedHashMap<>();
    private final Set<String> unconfigured = new java.util.TreeSet<>();
    /** Customer and project accounts this cycle creates, by name: every order below one carries its line. */
    private final Map<String, LoadFile.AccountLine> plannedParents = new LinkedHashMap<>();
    /** Projects of this cycle's orders that moved to another customer in Waldur (written before the new accounts). */
    private final ProjectMoves projectMoves;

    public OrderPlanner(OfferingConfig offering, AssociationSnapshot snapshot, Set<String> knownTres, Consumer<String> warn) {
        this.offering = offering;
        this.s = offering.slurm();
        this.snapshot = snapshot;
        this.knownTres = knownTres;
        this.naming = new AccountNaming(s);
        this.converter = new TresConverter(offering.components());
        this.warn = warn;
        this.projectMoves = new ProjectMoves(s, snapshot, warn);
    }

    public List<OrderWork> works() {
        return works;
    }

    /** backend_ids of the offering's resources that are not Terminated (null: not read this cycle). */
    private Set<String> offeringAllocations;

    /**
     * The offering's allocations as Waldur knows them (backend_ids of resources not Terminated): under policy
     * {@code common} a member keeps the default_account association while one of them still holds them.
     */
    public void offeringAllocations(Set<String> backendIds) {
        offeringAllocations = new LinkedHashSet<>();
        backendIds.forEach(id -> offeringAllocations.add(id.trim().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Policy {@code common}, after the cycle's removals ran: the members of the ready Terminates who have no
     * allocation of the offering left lose their default_account association too ({@link DefaultAccountLeavers}).
     */
    public List<OrderWork> leavingDefaultAccount() {
        return DefaultAccountLeavers.of(s, snapshot, works, offeringAllocations);
    }

    public ProjectMoves projectMoves() {
        return projectMoves;
    }

    /** An order's project whose account hangs under another customer than Waldur's is moved (3-tier trees only). */
    private void checkMove(Order order) {
        projectMoves.check(order.customerSlug(), order.customerUuid(), order.customerName(), order.projectSlug(), order.projectUuid());
    }

    /**
     * Names Waldur has recorded as some resource's backend_id. A name recorded for an account that was never
     * created (a deferred or erred Create) or that was removed (a terminated allocation) is not free: a second
     * resource on it would be billed for the first one's sacct usage, past or present.
     */
    public void takenInWaldur(Map<String, String> backendIdToResource) {
        backendIdToResource.forEach((id, uuid) -> waldurNames.put(id.trim().toLowerCase(java.util.Locale.ROOT), uuid));
    }

    /**
     * Create and Restore: customer, project and allocation accounts, limits, and the team's associations. Each
     * order's own load carries every parent line it needs that SLURM lacks, even when another order of the cycle
     * plans the same parent: the first order of a new project may be deferred or fail alone, and the others must
     * not then point at a missing Parent (the batch writes a shared line once).
     */
    public OrderWork create(Order order, Resource resource, List<TeamMember> team) {
        return create(order, resource, team, List.of());
    }

    /** As {@link #create(Order, Resource, List)}, the project's OK service and course accounts joining the team. */
    public OrderWork create(Order order, Resource resource, List<TeamMember> team, List<ProjectAccounts.Entry> accounts) {
        String customer = s.parentAccount() == null ? naming.customer(order) : null;
        String project = naming.project(order);
        boolean needsBackendId = !resource.hasBackendId();
        String account = needsBackendId ? freeName(order, resource) : SlurmNames.account(resource.backendId().trim());
        LoadFile changes = new LoadFile();
        String projectParent = customer != null ? customer : s.parentAccount();
        checkMove(order);
        if (customer != null) {
            parentLine(changes, customer, s.rootAccount(), order.customerName());
        }
        parentLine(changes, project, projectParent, order.projectName());
        Map<String, Number> asked = resource.limits() != null && !resource.limits().isEmpty() ? resource.limits() : order.limits();
        noteUnconfigured(asked);
        Map<String, Long> waldurLimits = converter.waldurLimitsForCreate(asked);
        Map<String, Long> slurmLimits = known(converter.toSlurm(waldurLimits, prepaidMonths(resource, resource.endDate())));
        AssociationSnapshot.Account existing = snapshot.get(account);
        if (existing == null) {
            changes.account(account, project, resource.name(), project, slurmLimits);
            snapshot.planned(account, project, project);
        }
        OrderWork w = new OrderWork(order, resource, OrderWork.Kind.CREATE, account, needsBackendId, changes);
        if (existing != null && !sameLimits(existing.grpTresMins, slurmLimits)) {
            w.limitChanges.account(account, existing.parent.isEmpty() ? project : existing.parent, resource.name(),
                    existing.organization.isEmpty() ? project : existing.organization, slurmLimits);
        }
        Set<String> users = usernames(team);
        users.addAll(ProjectAccounts.wanted(accounts, reason -> warn.accept(order + ": " + reason)));
        for (String user : users) {
            if (existing == null || !existing.users().contains(user)) {
                changes.user(user, account, defaultAccount(account));
                needsDefaultAssociation(user);
            }
        }
        w.waldurLimits = waldurLimits;
        works.add(w);
        return w;
    }

    private void noteUnconfigured(Map<String, ? extends Number> limits) {
        if (limits != null) {
            limits.keySet().stream().filter(k -> !offering.components().containsKey(k)).forEach(unconfigured::add);
        }
    }

    /**
     * Once per cycle, after planning: the components Waldur's orders named that backend_components lacks (their
     * limits are not set in SLURM), in one warning.
     */
    public void warnUnconfigured() {
        if (!unconfigured.isEmpty()) {
            warn.accept("component(s) " + String.join(", ", unconfigured) + " of Waldur's orders are not in "
                    + "backend_components; their limits are not set in SLURM");
            unconfigured.clear();
        }
    }

    /** Adds the line of a customer or project account SLURM lacks; one line per account for the whole cycle. */
    private void parentLine(LoadFile changes, String name, String parent, String description) {
        LoadFile.AccountLine line = plannedParents.get(name);
        if (line == null && snapshot.exists(name)) {
            return;
        }
        if (line == null) {
            line = new LoadFile.AccountLine(name, parent, description, name, Map.of());
            plannedParents.put(name, line);
            snapshot.planned(name, parent, name);
        }
        changes.account(line.name(), line.parent(), line.description(), line.organization(), null);
    }

    /** Update: new limits for an existing allocation ({@code order.limits}, or the new plan's quotas). */
    public OrderWork update(Order order, Resource resource, Map<String, ? extends Number> newLimits) {
        if (!resource.hasBackendId()) {
            throw new IllegalStateException("resource " + resource.uuid() + " has no backend_id; nothing to update in SLURM");
        }
        String account = SlurmNames.account(resource.backendId().trim());
        AssociationSnapshot.Account existing = snapshot.get(account);
        if (existing == null) {
            throw new IllegalStateException("SLURM account " + account + " does not exist; cannot update its limits");
        }
        noteUnconfigured(newLimits);
        checkMove(order);
        // a renewal moves the end date: the prepaid budget covers the new term (limits unchanged or not)
        Object renewedTo = order.attributes() == null ? null : order.attributes().get("new_end_date");
        Map<String, ? extends Number> limits = newLimits.isEmpty() && renewedTo != null && resource.limits() != null
                ? resource.limits() : newLimits;
        Map<String, Long> slurmLimits = known(converter.toSlurm(limits,
                prepaidMonths(resource, renewedTo != null ? renewedTo.toString() : resource.endDate())));
        OrderWork w = new OrderWork(order, resource, OrderWork.Kind.UPDATE, account, false, new LoadFile());
        if (!slurmLimits.isEmpty() && !sameLimits(existing.grpTresMins, slurmLimits)) {
            w.limitChanges.account(account, parentOf(existing), resource.name(), orgOf(existing), slurmLimits);
        }
        works.add(w);
        return w;
    }

    /**
     * Terminate: remove the allocation account (its associations go with it), then the project account when no
     * other account hangs below it; customer accounts are never removed. {@code soft_delete} zeroes the limits
     * instead. A resource without backend_id or account is already terminated as far as SLURM is concerned.
     */
    public OrderWork terminate(Order order, Resource resource) {
        LoadFile changes = new LoadFile();
        String account = resource.hasBackendId() ? SlurmNames.account(resource.backendId().trim()) : null;
        AssociationSnapshot.Account existing = account == null ? null : snapshot.get(account);
        OrderWork w = new OrderWork(order, resource, OrderWork.Kind.TERMINATE, account, false, changes);
        if (existing != null && s.softDelete()) {
            Map<String, Long> zero = new LinkedHashMap<>();
            offering.components().keySet().stream().filter(knownTres::contains).forEach(t -> zero.put(t, 0L));
            w.limitChanges.account(account, parentOf(existing), resource.name(), orgOf(existing), zero);
        } else if (existing != null) {
            w.removals.add(account);
            w.removalUsers.addAll(existing.users());
            String project = naming.project(order);
            boolean linked = project.equals(existing.parent) || project.equals(existing.organization);
            if (linked && !protectedAccount(project)) {
                w.emptiedProject = project; // removed only if nothing else of the cycle hangs below it (removals())
            }
        }
        works.add(w);
        return w;
    }

    /**
     * Everything the ready orders need of one kind, merged into one load file (shared customer/project lines
     * once): {@code create} — new accounts and associations; {@code limits} — new limits of existing accounts.
     */
    public LoadFile batch(String kind) {
        LoadFile all = new LoadFile();
        for (OrderWork w : works) {
            if (w.isReady()) {
                all.addAll(w.batch(kind));
            }
        }
        return all;
    }

    /**
     * Users who need an association with {@code default_account} first (policy {@code common}). sacctmgr load
     * makes a new user's first account their default and ignores any other DefaultAccount, so — as the
     * reference's {@code add user … DefaultAccount=D} does — the association with D is added before the load,
     * in one {@code add user u1,u2,… account=D}.
     */
    public List<String> defaultAssociations() {
        return List.copyOf(defaultAssociations);
    }

    private void needsDefaultAssociation(String user) {
        if (lacksDefaultAssociation(s, snapshot, user)) {
            defaultAssociations.add(user);
        }
    }

    /**
     * Policy {@code common}: whether {@code user} needs {@code add user … account=<default_account>} before a load
     * can make that account their default (shared with membership sync).
     */
    public static boolean lacksDefaultAssociation(SlurmSettings s, AssociationSnapshot snapshot, String user) {
        if (!"common".equals(s.defaultAccountPolicy()) || s.defaultAccount() == null || s.defaultAccount().isBlank()) {
            return false;
        }
        AssociationSnapshot.Account d = snapshot.get(s.defaultAccount());
        return d == null || !d.users().contains(user);
    }

    /** Allocation accounts of ready Terminate orders (their jobs are cancelled before removal). */
    public List<String> terminating() {
        return works.stream().filter(w -> w.isReady() && !w.removals.isEmpty()).map(w -> w.account).toList();
    }

    /**
     * Accounts to remove, allocations before the projects they hang from. A project goes only when, after the
     * cycle, nothing hangs below it: every child is an allocation a ready Terminate removes — not an account a
     * Create of this cycle adds (SLURM removes the whole sub-tree, the new allocation with it), nor one whose
     * Terminate was deferred. Decided here, after every order is planned, so the order of orders cannot matter.
     */
    public List<String> removals() {
        List<String> first = new ArrayList<>();
        List<String> then = new ArrayList<>();
        for (OrderWork w : works) {
            if (w.isReady()) {
                first.addAll(w.removals);
                String project = w.emptiedProject;
                if (project != null && !then.contains(project) && emptiedByThisCycle(project)) {
                    then.add(project);
                }
            }
        }
        first.addAll(then);
        return first;
    }

    /** {@code w}'s own removals for the one-by-one path: its allocation, then its project when the cycle empties it. */
    public List<String> removalsOf(OrderWork w) {
        List<String> out = new ArrayList<>(w.removals);
        if (w.emptiedProject != null && emptiedByThisCycle(w.emptiedProject)) {
            out.add(w.emptiedProject);
        }
        return out;
    }

    private boolean emptiedByThisCycle(String project) {
        if (!snapshot.exists(project)) {
            return false;
        }
        Set<String> removed = new LinkedHashSet<>();
        works.stream().filter(OrderWork::isReady).forEach(w -> removed.addAll(w.removals));
        return removed.containsAll(snapshot.children(project));
    }

    private String freeName(Order order, Resource resource) {
        for (String candidate : naming.allocationCandidates(order, resource)) {
            String owner = waldurNames.get(candidate);
            if (!snapshot.exists(candidate) && (owner == null || owner.equals(resource.uuid()))) {
                return candidate;
            }
        }
        List<String> tried = naming.allocationCandidates(order, resource);
        if (tried.size() == 1) {
            String name = tried.get(0);
            throw new IllegalStateException(snapshot.exists(name)
                    ? "SLURM account " + name + " already exists and belongs to another resource"
                    : "the name " + name + " is the backend_id of Waldur resource " + waldurNames.get(name) + "; a name is never reused");
        }
        throw new IllegalStateException("unable to name the allocation: after " + tried.size()
                + " attempts all generated names already exist in SLURM or as Waldur backend_ids");
    }

    /** The prepaid term in months, or null (one month's budget, warned) when the resource lacks a date. */
    private Integer prepaidMonths(Resource resource, String endDate) {
        if (!converter.hasPrepaid()) {
            return null;
        }
        Integer months = PrepaidTerm.months(resource.created(), endDate);
        if (months == null) {
            warn.accept("resource " + resource.uuid() + " has prepaid components but no created/end_date; its budget is one month's limit");
        }
        return months;
    }

    private Set<String> usernames(List<TeamMember> team) {
        Set<String> out = new LinkedHashSet<>();
        if (team == null) {
            return out;
        }
        for (TeamMember m : team) {
            if (!m.hasUsableOfferingUser()) {
                continue;
            }
            String u = m.offeringUserUsername().trim();
            if (SlurmNames.isUser(u)) {
                out.add(u);
            } else {
                warn.accept("team member " + m.username() + ": offering username '" + u + "' is not a safe SLURM user name; skipped");
            }
        }
        return out;
    }

    private String defaultAccount(String allocation) {
        return s.defaultAccountFor(allocation);
    }

    private Map<String, Long> known(Map<String, Long> limits) {
        Map<String, Long> out = new LinkedHashMap<>();
        limits.forEach((tres, v) -> {
            if (knownTres.contains(tres)) {
                out.put(tres, v);
            } else if (warnedTres.add(tres)) {
                warn.accept("component '" + tres + "' is not a TRES of this cluster (sacctmgr list tres); its limit is not set in SLURM");
            }
        });
        return out;
    }

    private boolean protectedAccount(String name) {
        return name.equals(s.rootAccount()) || name.equals(s.defaultAccount()) || name.equals(s.parentAccount()) || name.equals("root");
    }

    private static String parentOf(AssociationSnapshot.Account a) {
        return a.parent.isEmpty() ? "root" : a.parent;
    }

    private static String orgOf(AssociationSnapshot.Account a) {
        return a.organization.isEmpty() ? a.name : a.organization;
    }

    static boolean sameLimits(String current, Map<String, Long> wanted) {
        Map<String, String> now = TresString.parse(current);
        for (Map.Entry<String, Long> e : wanted.entrySet()) {
            String raw = now.get(e.getKey());
            if (raw == null || Math.abs(TresString.amount(e.getKey(), raw) - e.getValue()) > 0.5) {
                return false;
            }
        }
        return true;
    }
}
