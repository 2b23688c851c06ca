package org.waldur.agent.accounts;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.membership.HomeDirs;
import org.waldur.agent.membership.ProjectAccounts;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmBatch;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmOutput;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.VerifiedWrites;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;
import org.waldur.agent.waldur.WaldurErrors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The steps routes/order-process.camel.yaml calls (Waldur answers are read by {@link OrderAnswers}): asking the {@link OrderPlanner}, and
 * turning its plan into batched SLURM commands and per-order outcomes. Stateless: the cycle's state lives in the
 * exchange properties {@code offering}, {@code snapshot}, {@code planner}, {@code order}, {@code work}.
 */
public final class OrderSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.orders");
    private final HomeDirs homes;

    public OrderSteps(HomeDirs homes) {
        this.homes = homes;
    }

    public void startPlan(Exchange exchange) {
        OfferingConfig offering = exchange.getProperty("offering", OfferingConfig.class);
        AssociationSnapshot snapshot = exchange.getProperty("snapshot", AssociationSnapshot.class);
        @SuppressWarnings("unchecked")
        Set<String> tres = exchange.getProperty("knownTres", Set.class);
        OrderPlanner planner = new OrderPlanner(offering, snapshot, tres, w -> LOG.warn("{}: {}", offering.name(), w));
        exchange.setProperty("planner", planner);
        exchange.setProperty("projectMoves", planner.projectMoves());
        exchange.setProperty("cluster", offering.slurm().clusterName() != null ? offering.slurm().clusterName() : snapshot.singleCluster());
        // filled by the orders' concurrent reads (shared by reference with the split's sub-exchanges)
        exchange.setProperty("reads", new java.util.concurrent.ConcurrentHashMap<String, OrderReads>());
    }

    /** What one order's reads brought (order-read in routes/order-process.camel.yaml), kept for its plan. */
    public record OrderReads(Order order, Resource resource, List<TeamMember> team, Map<String, Number> planQuotas) {
    }

    @SuppressWarnings("unchecked")
    public void keepReads(Exchange exchange) {
        Order order = exchange.getProperty("order", Order.class);
        Map<String, OrderReads> reads = exchange.getProperty("reads", Map.class);
        reads.put(order.uuid(), new OrderReads(order, exchange.getProperty("resource", Resource.class),
                exchange.getProperty("team", List.class), exchange.getProperty("planQuotas", Map.class)));
    }

    /** The orders whose reads succeeded, in the order Waldur listed them: plans are made in that order. */
    public List<OrderReads> readOrders(@ExchangeProperty("orders") List<Order> orders, @ExchangeProperty("reads") Map<String, OrderReads> reads) {
        return orders.stream().map(o -> reads.get(o.uuid())).filter(java.util.Objects::nonNull).toList();
    }

    /** One order's reads back into the properties {@link #plan} takes. */
    public void restoreReads(@Body OrderReads r, Exchange exchange) {
        exchange.setProperty("order", r.order());
        exchange.setProperty("resource", r.resource());
        exchange.setProperty("team", r.team());
        exchange.setProperty("planQuotas", r.planQuotas());
        exchange.removeProperty("work");
    }

    /** Planned orders whose new name goes to Waldur (set_backend_id) before SLURM is written. */
    public List<OrderWork> needingBackendId(@ExchangeProperty("planner") OrderPlanner planner) {
        return planner.works().stream().filter(w -> w.isReady() && w.needsBackendId).toList();
    }

    // ---- planning -----------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    public void plan(Exchange exchange) {
        OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
        Order order = exchange.getProperty("order", Order.class);
        Resource resource = exchange.getProperty("resource", Resource.class);
        ProjectAccounts accounts = exchange.getProperty("projectAccounts", ProjectAccounts.NONE, ProjectAccounts.class);
        OrderWork work = order.needsTeam() ? planner.create(order, resource, exchange.getProperty("team", List.class),
                accounts.of(resource.projectUuid())) : switch (order.type()) {
            case "Update" -> planner.update(order, resource, exchange.getProperty("planQuotas") != null
                    ? exchange.getProperty("planQuotas", Map.class) : order.limits() == null ? Map.of() : order.limits());
            case "Terminate" -> planner.terminate(order, resource);
            default -> throw new IllegalStateException("unknown order type '" + order.type() + "'");
        };
        LOG.info("planned {}", work);
        exchange.setProperty("work", work);
    }

    /** Classifies the exception of a failed order step into the work's outcome. */
    public void failure(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OrderWork work = exchange.getProperty("work", OrderWork.class);
        Order order = work != null ? work.order : exchange.getProperty("order", Order.class);
        if (work == null || work.order != order) {
            work = OrderWork.failedEarly(order, "");
            exchange.setProperty("work", work);
        }
        WaldurErrors.Failure f = WaldurErrors.classify(t);
        if (f.transientTrouble()) {
            work.defer(f.reason());
            LOG.warn("{}: Waldur is unavailable ({}); the order is left for the next cycle", order, f.reason());
        } else {
            work.fail(f.reason());
        }
    }

    /** An order that failed for good this cycle, before Waldur is told (item-erred in routes/cycle.camel.yaml). */
    public void erred(@ExchangeProperty("work") OrderWork work) {
        LOG.warn("{}", work);
    }

    // ---- batched SLURM writes -----------------------------------------------------------------------------

    public boolean hasTerminations(@ExchangeProperty("planner") OrderPlanner planner) {
        return !planner.terminating().isEmpty();
    }

    public SlurmCommand activeJobsCommand(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).activeJobs(planner.terminating());
    }

    /** {@code scancel <ids…>} for the jobs squeue listed, or null when there are none. */
    public SlurmCommand cancelCommand(@Body SlurmResult jobs, @ExchangeProperty("offering") OfferingConfig o) {
        List<String> ids = SlurmOutput.jobIds(jobs.stdout());
        return ids.isEmpty() ? null : new SlurmCommands(o.slurm()).cancelJobs(ids);
    }

    // ---- Terminate: the final usage report ------------------------------------------------------------

    /** Ready Terminate orders whose account still exists in SLURM: their usage up to now goes to Waldur first. */
    public boolean hasFinalReports(@ExchangeProperty("planner") OrderPlanner planner) {
        return !finalReportWorks(planner).isEmpty();
    }

    /**
     * The resources to report before their accounts go, as one item for routes/report.camel.yaml's
     * report-resources; {@code reportFailures} collects the ones whose report failed.
     */
    public List<List<Resource>> finalReports(@ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        exchange.setProperty("reportFailures", java.util.concurrent.ConcurrentHashMap.newKeySet());
        return List.of(finalReportWorks(planner).stream().map(w -> w.resource).toList());
    }

    /** A Terminate whose final report did not reach Waldur keeps its account: the next cycle reports again. */
    public void deferUnreported(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("reportFailures") Set<String> failed) {
        finalReportWorks(planner).stream().filter(w -> failed.contains(w.resource.uuid()))
                .forEach(w -> w.defer("its final usage report did not reach Waldur; the account is kept until it does"));
    }

    /** The final report failed as a whole (sacct, Waldur down): every such Terminate waits for the next cycle. */
    public void deferAllUnreported(@ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String why = "final usage report failed (" + (t == null ? "unknown" : t.getMessage()) + "); the account is kept until it succeeds";
        finalReportWorks(planner).forEach(w -> w.defer(why));
    }

    private static List<OrderWork> finalReportWorks(OrderPlanner planner) {
        return planner.works().stream().filter(w -> w.isReady() && w.kind == OrderWork.Kind.TERMINATE
                && (!w.removals.isEmpty() || !w.limitChanges.isEmpty())).toList();
    }

    /** Policy common: the users' association with default_account, before the load that makes it their default. */
    public SlurmBatch<String> defaultAssociations(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        List<String> users = planner.defaultAssociations();
        return SlurmBatch.of("adding users to default_account " + o.slurm().defaultAccount(), users)
                .batch(users.isEmpty() ? null : new SlurmCommands(o.slurm()).addDefaultAssociations(users));
    }

    /** Every ready order's new accounts and associations in one sacctmgr load; on failure, one load per order. */
    public SlurmBatch<OrderWork> newAccounts(Exchange exchange) {
        return loads(exchange, "create", "account/association");
    }

    /**
     * New limits of existing accounts, in a load of their own: SLURM 22.05 does not commit a limit change to an
     * existing account in a load that also holds User lines (examples/slurm-sandbox/FINDINGS.md §8, §17).
     */
    public SlurmBatch<OrderWork> newLimits(Exchange exchange) {
        return loads(exchange, "limits", "limit change");
    }

    private SlurmBatch<OrderWork> loads(Exchange exchange, String kind, String lines) {
        OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
        List<OrderWork> works = planner.works().stream().filter(w -> w.isReady() && !w.batch(kind).isEmpty()).toList();
        if (works.isEmpty()) {
            return SlurmBatch.none();
        }
        SlurmCommands commands = new SlurmCommands(exchange.getProperty("offering", OfferingConfig.class).slurm());
        String cluster = exchange.getProperty("cluster", String.class);
        LoadFile batch = planner.batch(kind);
        LOG.info("applying {} {} line(s) in one sacctmgr load", batch.lines(), lines);
        SlurmCommand all = commands.load(batch.cluster(cluster));
        LOG.debug("load file:\n{}", all.stdin());
        return SlurmBatch.of(lines + " load", works).batch(all).whenSlurmAway(OrderSteps::slurmAway)
                .eachItem(w -> List.of(commands.load(w.batch(kind).cluster(cluster))), OrderSteps::loaded);
    }

    private static void loaded(OrderWork w, SlurmResult r) {
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (!r.succeeded()) {
            w.fail("SLURM: " + r.message());
        }
    }

    /** SLURM unreachable or timed out (SlurmErrors): the order is left for the next cycle, never erred for it. */
    private static void slurmAway(OrderWork w, SlurmResult r) {
        w.defer("SLURM unavailable: " + r.message());
    }

    /**
     * Terminated accounts in one removal. If SLURM refuses it, each order alone: each user's association, then the
     * accounts. SLURM 22.05 refuses to remove an account (or several associations in one command) while it is a
     * user's DefaultAccount — which it is for every member under policy {@code individual} — but removes a default
     * association on its own (examples/slurm-sandbox/FINDINGS.md §8, §18).
     */
    public SlurmBatch<OrderWork> removals(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        List<OrderWork> works = planner.works().stream().filter(w -> w.isReady() && !w.removals.isEmpty()).toList();
        if (works.isEmpty()) {
            return SlurmBatch.none();
        }
        return SlurmBatch.of("account removal", works).batch(commands.removeAccounts(planner.removals()))
                .whenSlurmAway(OrderSteps::slurmAway)
                .eachItem(w -> ownRemovals(w, commands, planner), OrderSteps::removed);
    }

    /**
     * Policy common: after the allocations are removed, the default_account association of each member a
     * Terminate leaves with no allocation of the offering, one removal per user — alone, since SLURM refuses to
     * remove a user's default association together with another of theirs (examples/slurm-sandbox/FINDINGS.md
     * summary 6). A refusal errs the order with SLURM's message (the verifying read checks it too).
     */
    public SlurmBatch<Map.Entry<OrderWork, String>> defaultRemovals(@ExchangeProperty("planner") OrderPlanner planner,
                                                                   @ExchangeProperty("offering") OfferingConfig o) {
        List<Map.Entry<OrderWork, String>> items = new ArrayList<>();
        planner.leavingDefaultAccount().forEach(w -> w.defaultLeaves.forEach(u -> items.add(Map.entry(w, u))));
        if (items.isEmpty()) {
            return SlurmBatch.none();
        }
        SlurmCommands commands = new SlurmCommands(o.slurm());
        LOG.info("removing {} user(s) who have no allocation of the offering left from default_account {}", items.size(), o.slurm().defaultAccount());
        return SlurmBatch.of("default_account removal", items)
                .eachItem(e -> List.of(commands.removeUser(e.getValue(), e.getKey().leftDefaultAccount)), (e, r) -> removed(e.getKey(), r));
    }

    /** One order's removal alone: each user's association, then its account (and the project the cycle empties). */
    private static List<SlurmCommand> ownRemovals(OrderWork w, SlurmCommands commands, OrderPlanner planner) {
        List<SlurmCommand> own = new ArrayList<>();
        w.removalUsers.forEach(u -> own.add(commands.removeUser(u, w.account)));
        own.add(commands.removeAccounts(planner.removalsOf(w)));
        return own;
    }

    private static void removed(OrderWork w, SlurmResult r) {
        if (!w.isReady()) {
            return; // an earlier command of this order already decided it
        }
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (r.jobsActive()) {
            w.defer("jobs are still ending under " + w.account + "; removal retried next cycle");
        } else if (!r.succeeded()) {
            w.fail("SLURM: " + r.message());
        }
    }

    // ---- verify, then report -------------------------------------------------------------------------------

    /**
     * The orders whose SLURM writes one fresh read of every association must confirm (none in dry-run: nothing
     * was written); an order the read does not show is applied again alone, its own loads and removals, so its
     * error is SLURM's own message (routes/slurm.camel.yaml, verify-writes).
     */
    public VerifiedWrites<OrderWork> verification(@ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        boolean dryRun = Boolean.parseBoolean(exchange.getContext().resolvePropertyPlaceholders("{{agent.dry-run}}"));
        List<OrderWork> written = planner.works().stream().filter(w -> w.isReady() && w.writes()).toList();
        if (dryRun || written.isEmpty()) {
            return VerifiedWrites.none();
        }
        SlurmCommands commands = new SlurmCommands(exchange.getProperty("offering", OfferingConfig.class).slurm());
        String cluster = exchange.getProperty("cluster", String.class);
        return VerifiedWrites.of("order verification", written, commands.associations(), (w, now) -> OrderVerifier.missing(w, now))
                .retryWith((w, now) -> {
                    List<VerifiedWrites.Retry> own = new ArrayList<>();
                    if (!w.changes.isEmpty()) {
                        own.add(new VerifiedWrites.Retry("load", commands.load(w.changes.cluster(cluster))));
                    }
                    if (!w.limitChanges.isEmpty()) {
                        own.add(new VerifiedWrites.Retry("limits", commands.load(w.limitChanges.cluster(cluster))));
                    }
                    if (!w.removals.isEmpty()) {
                        ownRemovals(w, commands, planner).forEach(c -> own.add(new VerifiedWrites.Retry("removal", c)));
                    }
                    w.defaultLeaves.forEach(u -> own.add(new VerifiedWrites.Retry("default_account removal",
                            commands.removeUser(u, w.leftDefaultAccount))));
                    return own;
                }, (w, retry, r) -> {
                    if (w.isReady()) {
                        removed(w, r);
                    }
                    return w.isReady();
                })
                .whenStillMissing((w, why, now) -> w.fail(why))
                .whenReadFails(OrderSteps::slurmAway);
    }

    /** After the writes and their verification: every order that nothing failed or deferred is done. */
    public List<OrderWork> markReadyOrdersDone(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        planner.warnUnconfigured();
        List<OrderWork> out = new ArrayList<>(planner.works());
        out.forEach(OrderWork::done);
        if (o.slurm().homedirCreation()) {
            // the members a Create added (the verifying read showed them) are owed a home, made at the cycle's end
            out.stream().filter(w -> w.getOutcome() == OrderWork.Outcome.DONE).forEach(w -> homes.owe(o, w.changes.users()));
        }
        return out;
    }

    /**
     * Users owed a home directory in this offering: the members this cycle's Creates added and any whose
     * mkhomedir_helper failed in an earlier cycle of this process (HomeDirs). Cheap: no process unless a home is
     * owed. After a restart a failed one is found by membership_sync when homedir_base_path is set, or by
     * {@code create-homedirs}.
     */
    public List<String> homes(@ExchangeProperty("offering") OfferingConfig o) {
        return o.slurm().homedirCreation() ? homes.needed(o, List.of(), List.of()) : List.of();
    }
}
