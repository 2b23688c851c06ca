package org.waldur.agent.accounts;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.membership.HomeDirs;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;
import org.waldur.agent.waldur.WaldurErrors;
import org.waldur.agent.waldur.WaldurJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps routes/order-process.camel.yaml calls: reading Waldur answers, asking the {@link OrderPlanner}, and
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
        exchange.setProperty("planner", new OrderPlanner(offering, snapshot, tres, w -> LOG.warn("{}: {}", offering.name(), w)));
        exchange.setProperty("cluster", offering.slurm().clusterName() != null ? offering.slurm().clusterName() : snapshot.singleCluster());
    }

    // ---- Waldur answers -----------------------------------------------------------------------------------

    public List<Order> orders(@Body String json) {
        List<Order> orders = WaldurJson.readList(json, Order.class);
        LOG.info("{} order(s) to process", orders.size());
        return orders;
    }

    public Order order(@Body String json) {
        return WaldurJson.read(json, Order.class);
    }

    public Resource resource(@Body String json) {
        return WaldurJson.read(json, Resource.class);
    }

    public List<TeamMember> team(@Body String json) {
        return WaldurJson.readList(json, TeamMember.class);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Number> quotas(@Body String json) {
        Object q = WaldurJson.read(json, Map.class).get("quotas");
        return q instanceof Map<?, ?> m ? (Map<String, Number>) m : Map.of();
    }

    public boolean needsPlanQuotas(@ExchangeProperty("order") Order order) {
        return "Update".equals(order.type()) && (order.limits() == null || order.limits().isEmpty()) && order.planUuid() != null;
    }

    public boolean stillExecuting(@Body String json) {
        return "executing".equals(WaldurJson.read(json, Map.class).get("state"));
    }

    // ---- planning -----------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    public void plan(Exchange exchange) {
        OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
        Order order = exchange.getProperty("order", Order.class);
        Resource resource = exchange.getProperty("resource", Resource.class);
        OrderWork work = switch (order.type()) {
            case "Create", "Restore" -> planner.create(order, resource, exchange.getProperty("team", List.class));
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
        if (WaldurErrors.isTransient(t)) {
            work.defer(WaldurErrors.describe(t));
            LOG.warn("{}: Waldur is unavailable ({}); the order is left for the next cycle", order, WaldurErrors.describe(t));
        } else if (WaldurErrors.transitionAlreadyHappened(t)) {
            // a lost response: the first attempt was applied; the next cycle lists the order in its new state
            work.defer(WaldurErrors.describe(t));
            LOG.warn("{}: Waldur says the transition already happened ({}); the order is taken up again next cycle",
                    order, WaldurErrors.describe(t));
        } else if (t instanceof org.apache.camel.http.base.HttpOperationFailedException || t.getCause() instanceof org.apache.camel.http.base.HttpOperationFailedException) {
            work.fail(WaldurErrors.describe(t));
        } else {
            work.fail(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
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
        List<String> ids = jobs.stdout().lines().map(String::strip).filter(l -> l.matches("[0-9_]+")).toList();
        return ids.isEmpty() ? null : new SlurmCommands(o.slurm()).cancelJobs(ids);
    }

    public boolean hasDefaultAssociations(@ExchangeProperty("planner") OrderPlanner planner) {
        return !planner.defaultAssociations().isEmpty();
    }

    public SlurmCommand defaultAssociationsCommand(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).addDefaultAssociations(planner.defaultAssociations());
    }

    public boolean hasBatch(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("batchKind") String kind) {
        return !planner.batch(kind).isEmpty();
    }

    public SlurmCommand batchCommand(Exchange exchange) {
        OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
        String kind = exchange.getProperty("batchKind", String.class);
        LoadFile batch = planner.batch(kind);
        LOG.info("applying {} {} line(s) in one sacctmgr load", batch.lines(),
                "limits".equals(kind) ? "limit change" : "account/association");
        SlurmCommand cmd = load(exchange, batch);
        LOG.debug("load file:\n{}", cmd.stdin());
        return cmd;
    }

    public void batchApplied(@Body SlurmResult result, Exchange exchange) {
        if (result.isTransient()) {
            // SLURM is away: nothing is wrong with the orders; all of them wait, and no one-by-one retries
            String kind = exchange.getProperty("batchKind", String.class);
            OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
            slurmAway(planner.works().stream().filter(w -> w.isReady() && !w.batch(kind).isEmpty()).toList(), result);
            exchange.setProperty("batchFailed", false);
            return;
        }
        exchange.setProperty("batchFailed", !result.succeeded());
        if (!result.succeeded()) {
            LOG.warn("batch load failed ({}); applying orders one by one to isolate the failure", result.message());
        }
    }

    /** SLURM unreachable or timed out: the orders are left for the next cycle, with one log line for them all. */
    private static void slurmAway(List<OrderWork> works, SlurmResult result) {
        works.forEach(w -> w.defer("SLURM unavailable: " + result.message()));
        if (!works.isEmpty()) {
            LOG.warn("SLURM is unavailable ({}); {} order(s) left for the next cycle", result.message(), works.size());
        }
    }

    public List<OrderWork> fallbackWorks(@ExchangeProperty("planner") OrderPlanner planner,
                                         @ExchangeProperty("batchKind") String kind, Exchange exchange) {
        if (!Boolean.TRUE.equals(exchange.getProperty("batchFailed", Boolean.class))) {
            return List.of();
        }
        return planner.works().stream().filter(w -> w.isReady() && !w.batch(kind).isEmpty()).toList();
    }

    public SlurmCommand ownCommand(Exchange exchange) {
        return load(exchange, exchange.getProperty("work", OrderWork.class).batch(exchange.getProperty("batchKind", String.class)));
    }

    public void ownApplied(@Body SlurmResult result, @ExchangeProperty("work") OrderWork work) {
        if (result.isTransient()) {
            slurmAway(List.of(work), result);
        } else if (!result.succeeded()) {
            work.fail("SLURM: " + result.message());
        }
    }

    public boolean hasRemovals(@ExchangeProperty("planner") OrderPlanner planner) {
        return !planner.removals().isEmpty();
    }

    public SlurmCommand removalCommand(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).removeAccounts(planner.removals());
    }

    public void removalApplied(@Body SlurmResult result, Exchange exchange) {
        if (result.isTransient()) {
            OrderPlanner planner = exchange.getProperty("planner", OrderPlanner.class);
            slurmAway(planner.works().stream().filter(w -> w.isReady() && !w.removals.isEmpty()).toList(), result);
        }
        exchange.setProperty("removalFailed", !result.succeeded() && !result.isTransient());
    }

    public List<OrderWork> removalFallbackWorks(@ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        if (!Boolean.TRUE.equals(exchange.getProperty("removalFailed", Boolean.class))) {
            return List.of();
        }
        return planner.works().stream().filter(w -> w.isReady() && !w.removals.isEmpty()).toList();
    }

    /**
     * One order's removal when the batch failed: each user's association alone, then the accounts. SLURM 22.05
     * refuses to remove an account (or several associations in one command) while it is a user's DefaultAccount —
     * which it is for every member under policy {@code individual} — but removes a default association on its own.
     */
    public List<SlurmCommand> ownRemovalCommands(@ExchangeProperty("work") OrderWork work, @ExchangeProperty("offering") OfferingConfig o,
                                                 @ExchangeProperty("planner") OrderPlanner planner) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        List<SlurmCommand> out = new ArrayList<>();
        work.removalUsers.forEach(u -> out.add(commands.removeUser(u, work.account)));
        out.add(commands.removeAccounts(planner.removalsOf(work)));
        return out;
    }

    public void ownRemovalApplied(@Body SlurmResult result, @ExchangeProperty("work") OrderWork work) {
        if (result.isTransient()) {
            slurmAway(List.of(work), result);
        } else if (result.jobsActive()) {
            work.defer("jobs are still ending under " + work.account + "; removal retried next cycle");
        } else if (!result.succeeded()) {
            work.fail("SLURM: " + result.message());
        }
    }

    // ---- verify, then report -------------------------------------------------------------------------------

    /** Orders whose SLURM writes a fresh read must confirm (none in dry-run: nothing was written). */
    public boolean hasWritten(@ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        boolean dryRun = Boolean.parseBoolean(exchange.getContext().resolvePropertyPlaceholders("{{agent.dry-run}}"));
        return !dryRun && planner.works().stream().anyMatch(w -> w.isReady() && w.writes());
    }

    /** One read of every association (one process), whatever the number of orders. */
    public SlurmCommand verifyCommand(@ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).associations();
    }

    /**
     * The orders whose part the read does not show: each is applied again alone, so its error is SLURM's own
     * message. When the read itself fails the orders wait: the next cycle plans against SLURM as it is.
     */
    public List<OrderWork> unverified(@Body SlurmResult read, @ExchangeProperty("planner") OrderPlanner planner) {
        List<OrderWork> written = planner.works().stream().filter(w -> w.isReady() && w.writes()).toList();
        if (!read.succeeded()) {
            slurmAway(written, read);
            return List.of();
        }
        AssociationSnapshot now = AssociationSnapshot.parse(read.stdout(), "");
        List<OrderWork> out = new ArrayList<>();
        for (OrderWork w : written) {
            List<String> gaps = OrderVerifier.missing(w, now);
            if (!gaps.isEmpty()) {
                LOG.warn("{}: SLURM does not show {}; applying it again alone", w, String.join("; ", gaps));
                out.add(w);
            }
        }
        return out;
    }

    /** The order's own writes: its loads, then its removal (each user's association alone, then the accounts). */
    public List<SlurmCommand> retryCommands(@ExchangeProperty("work") OrderWork work, @ExchangeProperty("offering") OfferingConfig o,
                                            @ExchangeProperty("planner") OrderPlanner planner, Exchange exchange) {
        List<SlurmCommand> out = new ArrayList<>();
        if (!work.changes.isEmpty()) {
            out.add(load(exchange, work.changes));
        }
        if (!work.limitChanges.isEmpty()) {
            out.add(load(exchange, work.limitChanges));
        }
        if (!work.removals.isEmpty()) {
            out.addAll(ownRemovalCommands(work, o, planner));
        }
        return out;
    }

    public void retryApplied(@Body SlurmResult result, @ExchangeProperty("work") OrderWork work) {
        if (!work.isReady()) {
            return; // an earlier command of this order already decided it
        }
        if (result.isTransient()) {
            slurmAway(List.of(work), result);
        } else if (result.jobsActive()) {
            work.defer("jobs are still ending under " + work.account + "; removal retried next cycle");
        } else if (!result.succeeded()) {
            work.fail("SLURM: " + result.message());
        } else {
            work.retried = true;
        }
    }

    public boolean hasRetried(@ExchangeProperty("planner") OrderPlanner planner) {
        return planner.works().stream().anyMatch(w -> w.isReady() && w.retried);
    }

    /** The second read, only after retries: what SLURM accepted but still does not show errs the order with it. */
    public void reverified(@Body SlurmResult read, @ExchangeProperty("planner") OrderPlanner planner) {
        List<OrderWork> retried = planner.works().stream().filter(w -> w.isReady() && w.retried).toList();
        if (!read.succeeded()) {
            slurmAway(retried, read);
            return;
        }
        AssociationSnapshot now = AssociationSnapshot.parse(read.stdout(), "");
        for (OrderWork w : retried) {
            List<String> gaps = OrderVerifier.missing(w, now);
            if (!gaps.isEmpty()) {
                w.fail("SLURM accepted the writes, but " + String.join("; ", gaps));
            }
        }
    }

    /** After the writes: every order still ready is done. */
    public List<OrderWork> works(@ExchangeProperty("planner") OrderPlanner planner, @ExchangeProperty("offering") OfferingConfig o) {
        planner.warnUnconfigured();
        List<OrderWork> out = new ArrayList<>(planner.works());
        out.forEach(OrderWork::done);
        if (o.slurm().homedirCreation()) {
            // the members a Create added are owed a home; the next home step (membership sync) makes it
            out.stream().filter(w -> w.getOutcome() == OrderWork.Outcome.DONE).forEach(w -> homes.owe(o, w.changes.users()));
        }
        return out;
    }

    private SlurmCommand load(Exchange exchange, LoadFile file) {
        OfferingConfig o = exchange.getProperty("offering", OfferingConfig.class);
        file.cluster(exchange.getProperty("cluster", String.class));
        return new SlurmCommands(o.slurm()).load(file);
    }
}
