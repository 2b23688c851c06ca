package org.waldur.agent.membership;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmBatch;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmOutput;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.VerifiedWrites;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The batched SLURM writes of a membership cycle (routes/membership-writes.camel.yaml): the {@link SlurmBatch}es
 * of the offering's {@link MembershipBatch}, each recording how it ended on each resource's {@link MembershipWork}
 * (a failed batch is applied again resource by resource, so only the bad one errs), and the wait for stale users'
 * jobs. Stateless: the state lives in the exchange properties {@code batch}, {@code cluster}, {@code tally},
 * {@code staleJobs}, {@code jobPolls}, {@code jobsLeft}.
 */
public final class MembershipWrites {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.membership");

    private final int jobWaitPolls;

    public MembershipWrites(int jobWaitPolls) {
        this.jobWaitPolls = jobWaitPolls;
    }

    // ---- stale users: their jobs, then their associations -----------------------------------------------

    public boolean hasStale(@ExchangeProperty("batch") MembershipBatch batch) {
        return !batch.stale().isEmpty();
    }

    public SlurmCommand staleJobsCommand(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).activeJobsByUser(batch.staleAccounts());
    }

    /**
     * Whether squeue lists jobs of stale associations. When squeue fails the removals go ahead: sacctmgr itself
     * refuses to remove an association with active jobs, and that refusal only postpones it to the next cycle.
     */
    public boolean hasStaleJobs(@Body SlurmResult r, @ExchangeProperty("batch") MembershipBatch batch, Exchange exchange) {
        exchange.setProperty("jobPolls", 0);
        if (!r.succeeded()) {
            LOG.info("cannot list the jobs of stale users ({}); removing the associations directly", r.message());
            return false;
        }
        Map<MembershipWork, List<String>> jobs = batch.staleJobs(r.stdout());
        exchange.setProperty("staleJobs", jobs);
        return !jobs.isEmpty();
    }

    public SlurmCommand cancelCommand(@ExchangeProperty("staleJobs") Map<MembershipWork, List<String>> jobs,
                                      @ExchangeProperty("offering") OfferingConfig o) {
        List<String> ids = new ArrayList<>();
        jobs.forEach((w, js) -> {
            LOG.info("{}: cancelling jobs {} of stale users before removing their associations", w, js);
            ids.addAll(js);
        });
        return new SlurmCommands(o.slurm()).cancelJobs(ids);
    }

    /** Waiting for the jobs to end only makes sense when scancel really ran (not failed, not a dry run). */
    public void cancelled(@Body SlurmResult r, @ExchangeProperty("staleJobs") Map<MembershipWork, List<String>> jobs, Exchange exchange) {
        if (!r.succeeded()) {
            jobs.forEach((w, js) -> w.problem("cancelling jobs " + String.join(",", js) + " under " + w.account + ": " + r.message()));
        }
        exchange.setProperty("jobsLeft", r.status() == SlurmResult.Status.OK);
    }

    /** After scancel: jobs of stale associations still listed (completing) and polls left → wait and look again. */
    public boolean stillRunning(@Body SlurmResult r, @ExchangeProperty("batch") MembershipBatch batch, Exchange exchange) {
        int polls = exchange.getProperty("jobPolls", 0, Integer.class) + 1;
        exchange.setProperty("jobPolls", polls);
        return r.succeeded() && !batch.staleJobs(r.stdout()).isEmpty() && polls < jobWaitPolls;
    }

    /** Whether some user loses more than one association this cycle: then their DefaultAccount is read first. */
    public boolean needsDefaults(@ExchangeProperty("batch") MembershipBatch batch) {
        return StaleRemovalPlan.needsDefaults(batch.stale());
    }

    public SlurmCommand defaultsCommand(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).defaultAccounts(new java.util.TreeSet<>(batch.stale().stream().map(MembershipBatch.Stale::user).toList()));
    }

    /** The users' DefaultAccount, or none when the read failed (the removals then go one association per user and round). */
    public void keepDefaults(@Body SlurmResult r, Exchange exchange) {
        if (r.succeeded() && r.status() != SlurmResult.Status.DRY_RUN) {
            exchange.setProperty("userDefaults", SlurmOutput.defaultAccounts(r.stdout()));
        } else {
            LOG.info("cannot read the stale users' default accounts ({}); removing one association per user at a time", r.message());
        }
    }

    /**
     * The stale associations in rounds of grouped {@code remove user where name=… account=…} commands
     * ({@link StaleRemovalPlan}), each its own batch: a refused command is applied again one association at a time.
     */
    public List<SlurmBatch<MembershipBatch.Stale>> staleRemovals(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o,
                                                               @ExchangeProperty("userDefaults") Map<String, String> defaults,
                                                               @ExchangeProperty("tally") MembershipSteps.Tally tally) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        List<SlurmBatch<MembershipBatch.Stale>> out = new ArrayList<>();
        List<List<StaleRemovalPlan.Removal>> rounds = new StaleRemovalPlan(batch.snapshot()).rounds(batch.stale(), defaults);
        for (List<StaleRemovalPlan.Removal> round : rounds) {
            for (StaleRemovalPlan.Removal rm : round) {
                SlurmBatch<MembershipBatch.Stale> b = SlurmBatch.of("removing " + rm.users() + " from " + rm.accounts(), rm.stale())
                        .onBatchSuccess(s -> s.work().removed.add(s)) // counted and verified from w.removed
                        .whenSlurmAway((s, r) -> slurmAway(s.work(), r))
                        .eachItem(s -> List.of(commands.removeUser(s.user(), s.account())), (s, r) -> removed(s, r, tally));
                out.add(rm.stale().size() > 1 ? b.batch(commands.removeUsers(rm.users(), rm.accounts())) : b);
            }
        }
        LOG.info("removing {} stale association(s) with {} command(s) in {} round(s)", batch.stale().size(),
                rounds.stream().mapToInt(List::size).sum(), rounds.size());
        return out;
    }

    private static void removed(MembershipBatch.Stale s, SlurmResult r, MembershipSteps.Tally tally) {
        MembershipWork w = s.work();
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (r.jobsActive()) {
            LOG.warn("{}: jobs of {} are still ending; the removal is retried next cycle", w, s.user());
        } else if (!r.succeeded()) {
            w.problem("removing " + s.user() + " from " + s.account() + ": " + r.message());
        } else {
            w.removed.add(s);
        }
    }

    // ---- new associations -------------------------------------------------------------------------------

    /**
     * Policy common: the users' association with default_account first (a load ignores a DefaultAccount the user
     * has no association with; examples/slurm-sandbox/FINDINGS.md §1). Not fatal when it fails: the load still adds
     * the associations; only the users' default account stays as SLURM has it.
     */
    public SlurmBatch<String> defaultAssociations(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        List<String> users = batch.defaultAssociations();
        return SlurmBatch.of("adding users to default_account " + o.slurm().defaultAccount(), users)
                .batch(users.isEmpty() ? null : new SlurmCommands(o.slurm()).addDefaultAssociations(users));
    }

    /**
     * Every resource's new associations in one sacctmgr load; if it fails, one load per account. With
     * default_partition, always one {@code add user … Partition=} per account (load's partition syntax is unverified).
     */
    public SlurmBatch<MembershipWork> adds(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o,
                                           @ExchangeProperty("cluster") String cluster, @ExchangeProperty("tally") MembershipSteps.Tally tally) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmBatch<MembershipWork> adds = SlurmBatch.of("association load", batch.adding())
                .onBatchSuccess(w -> added(w, tally))
                .whenSlurmAway(MembershipWrites::slurmAway)
                .eachItem(w -> List.of(batch.perAccountAdds()
                                ? commands.addUsers(w.add, w.account, w.defaultAccount, w.partitions)
                                : commands.load(MembershipBatch.load(w).cluster(cluster))),
                        (w, r) -> added(w, r, tally));
        LoadFile file = batch.load();
        if (!file.isEmpty()) {
            LOG.info("adding {} association(s) of {} account(s) in one sacctmgr load", file.lines(), batch.adding().size());
            adds.batch(commands.load(file.cluster(cluster)));
            LOG.debug("load file:\n{}", adds.command().stdin());
        }
        return adds;
    }

    private static void added(MembershipWork w, SlurmResult r, MembershipSteps.Tally tally) {
        if (r.succeeded()) {
            added(w, tally);
        } else if (r.isTransient()) {
            slurmAway(w, r);
        } else {
            w.problem("adding " + String.join(",", w.add) + " to " + w.account + ": " + r.message());
        }
    }

    /** Claimed for now; the verifying read decides (MembershipVerifier), and the tally counts what it showed. */
    private static void added(MembershipWork w, MembershipSteps.Tally tally) {
        w.added.addAll(w.add);
    }

    // ---- QoS ----------------------------------------------------------------------------------------------

    /**
     * One modify per distinct target QoS; the accounts of a group one by one when it fails or SLURM leaves a QoS
     * unchanged (a group of one is its own account's command).
     */
    public List<SlurmBatch<MembershipWork>> qosGroups(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        List<SlurmBatch<MembershipWork>> out = new ArrayList<>();
        for (MembershipBatch.QosGroup g : batch.qosGroups()) {
            SlurmBatch<MembershipWork> group = SlurmBatch.of("setting QoS " + g.qos() + " on " + g.accounts(), g.works())
                    .succeededWhen(r -> r.succeeded() && !SlurmOutput.qosIgnored(r))
                    .onBatchSuccess(MembershipWrites::qosSet)
                    .whenSlurmAway(MembershipWrites::slurmAway)
                    .eachItem(w -> List.of(commands.setQos(List.of(w.account), w.qosList(), w.qosTarget)), MembershipWrites::qosApplied);
            if (g.works().size() > 1) {
                LOG.info("setting QoS {} on {} account(s) in one sacctmgr call", g.qos(), g.works().size());
                group.batch(commands.setQos(g.accounts(), g.qos(), g.target()));
            }
            out.add(group);
        }
        return out;
    }

    private static void qosApplied(MembershipWork w, SlurmResult r) {
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (SlurmOutput.qosIgnored(r)) {
            w.problem("SLURM left the QoS of " + w.account + " unchanged: its associations have a default QoS outside "
                    + w.qosTarget + " (" + r.message() + ")");
        } else if (r.succeeded()) {
            qosSet(w);
        } else {
            w.problem("setting QoS " + w.qosTarget + " on " + w.account + ": " + r.message());
        }
    }

    private static void qosSet(MembershipWork w) {
        w.qos = w.qosList();
        w.qosWritten = true;
    }

    // ---- verify, then report ------------------------------------------------------------------------------

    /**
     * The resources whose adds, QoS or removals SLURM accepted, confirmed by ONE read of their accounts (and
     * default_account); what it does not show is applied again alone and read once more (verify-writes in
     * routes/slurm.camel.yaml, MembershipVerifier). None in dry-run: nothing was written.
     */
    public VerifiedWrites<MembershipWork> verification(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o,
                                                       @ExchangeProperty("cluster") String cluster, Exchange exchange) {
        boolean dryRun = Boolean.parseBoolean(exchange.getContext().resolvePropertyPlaceholders("{{agent.dry-run}}"));
        List<MembershipWork> written = batch.works().stream().filter(w -> !w.isLeft() && MembershipVerifier.wrote(w)).toList();
        if (dryRun || written.isEmpty()) {
            return VerifiedWrites.none();
        }
        Set<String> accounts = new TreeSet<>();
        written.forEach(w -> {
            accounts.add(w.account);
            w.removed.forEach(s -> accounts.add(s.account()));
        });
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmCommand read = SlurmCommands.chunks(accounts).size() == 1 ? commands.associations(accounts) : commands.associations();
        return VerifiedWrites.of("membership verification", written, read, MembershipVerifier::missing)
                .retryWith((w, now) -> MembershipVerifier.retries(w, now, commands, cluster, batch.perAccountAdds()), MembershipWrites::retried)
                .whenStillMissing((w, why, now) -> {
                    w.problem(why);
                    MembershipVerifier.unclaim(w, now);
                })
                .whenReadFails(MembershipWrites::slurmAway);
    }

    private static boolean retried(MembershipWork w, VerifiedWrites.Retry retry, SlurmResult r) {
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (r.jobsActive()) {
            LOG.warn("{}: {}: jobs are still ending; retried next cycle", w, retry.what());
        } else if (!r.succeeded() || SlurmOutput.qosIgnored(r)) {
            w.problem(retry.what() + ": " + r.message());
        } else {
            return true;
        }
        if (retry.what().startsWith("adding ")) {
            w.added.removeAll(w.unverified); // not added: no home, not counted
        }
        return false;
    }

    /** SLURM unreachable or timed out: the resource is left as it is for the next cycle, never erred for it. */
    private static void slurmAway(MembershipWork w, SlurmResult r) {
        if (!w.isLeft()) {
            LOG.warn("{}: SLURM is unavailable ({}); left for the next cycle", w, r.message());
        }
        w.leave();
    }
}
