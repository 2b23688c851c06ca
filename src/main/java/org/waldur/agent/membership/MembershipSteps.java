package org.waldur.agent.membership;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.accounts.ProjectMoves;
import org.waldur.agent.accounting.LimitsEcho;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.events.EventScope;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmExec;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.waldur.ProjectAccount;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;
import org.waldur.agent.waldur.WaldurErrors;
import org.waldur.agent.waldur.WaldurJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The steps routes/membership-sync.camel.yaml calls: reading Waldur answers, asking the {@link MembershipPlanner},
 * collecting every resource's plan in the offering's {@link MembershipBatch} (whose SLURM writes
 * {@link MembershipWrites} runs), then finishing each resource. Stateless apart from {@link HomeDirs}; the cycle's
 * state lives in the exchange properties {@code offering}, {@code resources}, {@code planner}, {@code batch},
 * {@code teams}, {@code projectAccounts}, {@code tally} (per offering) and {@code resource}, {@code work}, {@code user} (per resource).
 */
public final class MembershipSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.membership");

    private final HomeDirs homes;

    public MembershipSteps(HomeDirs homes) {
        this.homes = homes;
    }

    // ---- the offering ------------------------------------------------------------------------------------

    /** Resources with a backend_id (the only ones SLURM can know); the cycle's shared state is set up here. */
    public List<Resource> resources(@Body String json, Exchange exchange) {
        EventScope scope = exchange.getProperty("eventScope", EventScope.WHOLE, EventScope.class);
        List<Resource> all = WaldurJson.readList(json, Resource.class).stream().filter(scope::covers).toList();
        List<Resource> out = all.stream().filter(Resource::hasBackendId).toList();
        LOG.info("{} resource(s) with a SLURM account to sync ({} without backend_id ignored){}", out.size(),
                all.size() - out.size(), scope.whole() ? "" : "; named by events: " + scope);
        exchange.setProperty("teams", new ConcurrentHashMap<String, List<TeamMember>>());
        exchange.setProperty("teamFailures", new ConcurrentHashMap<String, Exception>());
        exchange.setProperty("tally", new Tally());
        exchange.setProperty("associationChunks", Collections.synchronizedList(new ArrayList<String>()));
        OfferingConfig offering = exchange.getProperty("offering", OfferingConfig.class);
        exchange.setProperty("projectAccounts", offering != null && offering.serviceAccounts() ? new ProjectAccounts() : ProjectAccounts.NONE);
        return out;
    }

    /**
     * Whether this pass reads the offering's service and course accounts: when {@code service_accounts_sync_enabled}
     * (default true) and there is a resource they could join. If a list fails, the pass fails before any write, as
     * when the resource list fails: planning without them would remove every account as stale.
     */
    public boolean needsAccounts(@ExchangeProperty("resources") List<Resource> resources,
                                 @ExchangeProperty("projectAccounts") ProjectAccounts accounts) {
        return accounts != ProjectAccounts.NONE && resources.stream().anyMatch(r -> !r.restrictMemberAccess());
    }

    public void keepServiceAccounts(@Body String json, @ExchangeProperty("projectAccounts") ProjectAccounts accounts) {
        accounts.add("service account", WaldurJson.readList(json, ProjectAccount.class));
    }

    public void keepCourseAccounts(@Body String json, @ExchangeProperty("projectAccounts") ProjectAccounts accounts) {
        accounts.add("course account", WaldurJson.readList(json, ProjectAccount.class));
        LOG.info("{} service and course account(s) in the offering's projects", accounts.size());
    }

    /**
     * The association reads for every account of the offering (and default_account under policy common): one
     * process, unless the account list would not fit in one argument. Resources whose backend_id is not a safe name are left out here and fail on their own.
     */
    public List<SlurmCommand> associationReads(@ExchangeProperty("resources") List<Resource> resources,
                                               @ExchangeProperty("offering") OfferingConfig offering) {
        Set<String> accounts = new TreeSet<>();
        ProjectMoves moves = new ProjectMoves(offering.slurm(), null, w -> { });
        for (Resource r : resources) {
            if (SlurmNames.isAccount(r.backendId().trim())) {
                accounts.add(r.backendId().trim());
                // the project and its customer's account too, in the same read: has the project moved? (ProjectMoves)
                accounts.addAll(moves.accountsOf(r.customerSlug(), r.customerUuid(), r.projectSlug(), r.projectUuid()));
            }
        }
        // policy common: who already has the default_account association (see MembershipBatch.defaultAssociations)
        String d = offering.slurm().defaultAccount();
        if (!accounts.isEmpty() && "common".equals(offering.slurm().defaultAccountPolicy()) && d != null && SlurmNames.isAccount(d)) {
            accounts.add(d);
        }
        SlurmCommands commands = new SlurmCommands(offering.slurm());
        return SlurmCommands.chunks(accounts).stream().map(commands::associations).toList();
    }

    public void collectAssociations(@Body SlurmResult r, @ExchangeProperty("associationChunks") List<String> chunks) {
        if (!r.succeeded()) {
            throw new SlurmExec.SlurmReadException("sacctmgr show association failed: " + r.message());
        }
        chunks.add(r.stdout());
    }

    public void startPlan(Exchange exchange) {
        OfferingConfig offering = exchange.getProperty("offering", OfferingConfig.class);
        @SuppressWarnings("unchecked")
        List<String> chunks = exchange.getProperty("associationChunks", List.class);
        AssociationSnapshot snapshot = AssociationSnapshot.parse(String.join("\n", chunks), "");
        exchange.setProperty("planner", new MembershipPlanner(offering.slurm(), snapshot, MembershipSteps::skipped));
        exchange.setProperty("batch", new MembershipBatch(offering.slurm(), snapshot));
        exchange.setProperty("projectMoves", new ProjectMoves(offering.slurm(), snapshot, LOG::warn));
        exchange.setProperty("cluster", offering.slurm().clusterName() != null ? offering.slurm().clusterName() : snapshot.singleCluster());
    }

    public void summary(@ExchangeProperty("offering") OfferingConfig offering, @ExchangeProperty("tally") Tally tally) {
        LOG.info("membership sync of {}: {}", offering.name(), tally);
    }

    // ---- one resource: Waldur ----------------------------------------------------------------------------

    /**
     * The team is read once per project and cycle; a resource whose members lose access, or whose account is
     * missing, needs none. (The one-shot create-homedirs has no planner: it needs every team.)
     */
    public boolean needsTeam(@ExchangeProperty("resource") Resource r, @ExchangeProperty("teams") Map<String, List<TeamMember>> teams,
                             @ExchangeProperty("planner") MembershipPlanner planner) {
        return !r.restrictMemberAccess() && !teams.containsKey(projectKey(r)) && (planner == null || planner.accountExists(r));
    }

    /**
     * One resource per project whose team the plans will need: their reads run at once on the Waldur pool before
     * the plans, which then find every team already read (issue 12: a cycle's wall time was its team reads, one
     * after the other).
     */
    public List<Resource> teamReads(@ExchangeProperty("resources") List<Resource> resources,
                                    @ExchangeProperty("teams") Map<String, List<TeamMember>> teams,
                                    @ExchangeProperty("planner") MembershipPlanner planner) {
        Map<String, Resource> firstOfProject = new LinkedHashMap<>();
        for (Resource r : resources) {
            try {
                if (needsTeam(r, teams, planner)) {
                    firstOfProject.putIfAbsent(projectKey(r), r);
                }
            } catch (RuntimeException unsafeName) { // (an unsafe backend_id) fails its own resource when planned
                LOG.debug("{}: no team read: {}", r.name(), unsafeName.getMessage());
            }
        }
        return List.copyOf(firstOfProject.values());
    }

    /**
     * A team read that failed on the pool: kept for the project, so that each of its resources fails with this
     * message when it is planned (and is left or erred as any failure of its own would be), without a second read.
     */
    public void teamFailed(Exchange exchange) {
        Resource r = exchange.getProperty("resource", Resource.class);
        exchange.getProperty("teamFailures", Map.class).put(projectKey(r), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    public void keepTeam(@Body String json, @ExchangeProperty("resource") Resource r,
                         @ExchangeProperty("teams") Map<String, List<TeamMember>> teams) {
        teams.put(projectKey(r), WaldurJson.readList(json, TeamMember.class));
    }

    public void plan(Exchange exchange) throws Exception {
        Resource r = exchange.getProperty("resource", Resource.class);
        Exception teamFailure = r.restrictMemberAccess() ? null
                : (Exception) exchange.getProperty("teamFailures", Map.of(), Map.class).get(projectKey(r));
        if (teamFailure != null) {
            throw teamFailure;
        }
        MembershipPlanner planner = exchange.getProperty("planner", MembershipPlanner.class);
        @SuppressWarnings("unchecked")
        Map<String, List<TeamMember>> teams = exchange.getProperty("teams", Map.class);
        exchange.getProperty("projectMoves", ProjectMoves.class)
                .check(r.customerSlug(), r.customerUuid(), r.customerName(), r.projectSlug(), r.projectUuid());
        ProjectAccounts accounts = exchange.getProperty("projectAccounts", ProjectAccounts.NONE, ProjectAccounts.class);
        MembershipWork w = planner.plan(r, r.restrictMemberAccess() ? List.of() : teams.getOrDefault(projectKey(r), List.of()),
                accounts.of(r.projectUuid()));
        exchange.setProperty("work", w);
        exchange.getProperty("batch", MembershipBatch.class).add(w);
        if (w.accountMissing) {
            tally(exchange).missing.incrementAndGet();
            LOG.warn("{}: SLURM account {} does not exist; membership, QoS and home directories not synced "
                    + "(recreate it, or correct the resource's backend_id in Waldur)", w, w.account);
        } else if (!w.add.isEmpty() || !w.stale.isEmpty() || w.isQosChange()) {
            LOG.info("{}: add {}, remove {}{}", w, w.add, w.stale, w.isQosChange() ? ", QoS " + w.qos + " -> " + w.qosList() : "");
        }
    }

    // ---- one resource: finishing in Waldur -----------------------------------------------------------------

    /** After the batched writes: every planned resource, to be finished one by one. */
    public List<MembershipWork> works(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("tally") Tally tally) {
        List<MembershipWork> out = batch.works().stream().filter(w -> !w.isLeft()).toList();
        tally.left.addAndGet(batch.works().size() - out.size()); // SLURM was away for them: nothing reported
        out.forEach(w -> { // only what the verifying read showed (MembershipVerifier)
            tally.added.addAndGet(w.added.size());
            tally.removed.addAndGet(w.removed.size());
        });
        return out;
    }

    /**
     * SLURM's GrpTRESMins as a {@code set_limits} body when Waldur holds other limits (the reference's membership
     * sync does the same), read from the cycle's one association read: no SLURM process of its own. Null: nothing.
     */
    public Map<String, Object> limitsBody(@ExchangeProperty("work") MembershipWork w, @ExchangeProperty("batch") MembershipBatch batch,
                                          @ExchangeProperty("offering") OfferingConfig o) {
        AssociationSnapshot.Account a = w.accountMissing ? null : batch.snapshot().get(w.account);
        Map<String, Object> body = a == null ? null : LimitsEcho.body(w.resource.limits(), a.grpTresMins, o.components());
        if (body != null) {
            LOG.info("{}: limits differ in SLURM ({}) and Waldur {}; sending SLURM's", w, a.grpTresMins, w.resource.limits());
        }
        return body;
    }

    /**
     * Users who need a home directory after this cycle's writes, each once, whichever resources they joined (empty
     * when the offering does not manage home directories). Made one after the other before the resources' endings
     * run at once: two endings must not both make one user's home.
     */
    public List<String> homes(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        if (!o.slurm().homedirCreation()) {
            return List.of();
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (MembershipWork w : batch.works()) {
            if (!w.isLeft() && !w.resource.restrictMemberAccess()) {
                out.addAll(homes.needed(o, w.added, w.existing));
            }
        }
        return List.copyOf(out);
    }

    public SlurmCommand homeCommand(@ExchangeProperty("user") String user, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).mkhomedir(user, o.slurm().homedirUmask());
    }

    /** Home directory failures are logged, never fatal; successes are remembered for the life of the process. */
    public void homeDone(@Body SlurmResult r, @ExchangeProperty("user") String user, @ExchangeProperty("offering") OfferingConfig o) {
        if (r.status() == SlurmResult.Status.DRY_RUN) {
            return;
        }
        if (r.succeeded()) {
            homes.created(o, user);
            LOG.info("home directory of {} created", user);
        } else {
            LOG.warn("home directory of {} not created: {}", user, r.message());
        }
    }

    // ---- outcome -----------------------------------------------------------------------------------------

    /** Classifies the exception of a failed resource: transient Waldur trouble leaves it alone, the rest errs it. */
    public void failure(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Resource r = exchange.getProperty("resource", Resource.class);
        MembershipWork w = exchange.getProperty("work", MembershipWork.class);
        if (w == null || w.resource != r) {
            w = MembershipWork.unplanned(r);
            exchange.setProperty("work", w);
        }
        WaldurErrors.Failure f = WaldurErrors.classify(t);
        if (f.transientTrouble()) {
            w.leave();
            tally(exchange).left.incrementAndGet();
            LOG.warn("{}: Waldur is unavailable ({}); the resource is left for the next cycle", w, f.reason());
        } else {
            w.problem(f.reason());
        }
    }

    public void synced(@ExchangeProperty("tally") Tally tally) {
        tally.synced.incrementAndGet();
    }

    public void erred(@ExchangeProperty("work") MembershipWork w, @ExchangeProperty("tally") Tally tally) {
        tally.erred.incrementAndGet();
        LOG.warn("{}", w);
    }

    // ---- create-homedirs (one-shot) ----------------------------------------------------------------------

    /** The one-shot needs only Waldur; an offering that does not manage home directories is skipped, saying so. */
    public boolean homedirsEnabled(@ExchangeProperty("offering") OfferingConfig o) {
        if (!o.slurm().homedirCreation()) {
            LOG.warn("{}: enable_user_homedir_account_creation is false; no home directories created", o.name());
        }
        return o.slurm().homedirCreation();
    }

    /** Every wanted member of every resource whose members have access, each once per offering. */
    public List<String> allHomes(@ExchangeProperty("resources") List<Resource> resources,
                                 @ExchangeProperty("teams") Map<String, List<TeamMember>> teams,
                                 @ExchangeProperty("offering") OfferingConfig o) {
        Set<String> users = new TreeSet<>();
        for (Resource r : resources) {
            if (!r.restrictMemberAccess()) {
                users.addAll(MembershipPlanner.wanted(teams.getOrDefault(projectKey(r), List.of()), MembershipSteps::skipped));
            }
        }
        List<String> out = homes.needed(o, users, List.of());
        LOG.info("{}: {} member(s), {} home director(ies) to create", o.name(), users.size(), out.size());
        return out;
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    private static String projectKey(Resource r) {
        return r.projectUuid() != null ? r.projectUuid() : "resource:" + r.uuid();
    }

    private static Tally tally(Exchange exchange) {
        Tally t = exchange.getProperty("tally", Tally.class);
        return t != null ? t : new Tally();
    }

    private static void skipped(String reason) {
        if (reason.contains("not a safe")) {
            LOG.warn(reason);
        } else {
            LOG.info(reason);
        }
    }

    /** Counts of one offering's cycle, for the summary line. */
    public static final class Tally {
        final AtomicInteger synced = new AtomicInteger();
        final AtomicInteger erred = new AtomicInteger();
        final AtomicInteger left = new AtomicInteger();
        final AtomicInteger missing = new AtomicInteger();
        final AtomicInteger added = new AtomicInteger();
        final AtomicInteger removed = new AtomicInteger();

        @Override
        public String toString() {
            return synced + " resource(s) in sync, " + erred + " erred, " + left + " left for the next cycle, "
                    + missing + " without a SLURM account; " + added + " association(s) added, " + removed + " removed";
        }
    }
}
