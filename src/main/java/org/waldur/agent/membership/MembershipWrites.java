package org.waldur.agent.membership;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The batched SLURM writes of a membership cycle (routes/membership-sync.camel.yaml, {@code membership-apply}):
 * building the commands of the {@link MembershipBatch} and recording how they ended on each resource's
 * {@link MembershipWork}. A failed batch is applied again resource by resource, so only the bad one errs.
 * Stateless: the state lives in the exchange properties {@code batch}, {@code cluster}, {@code staleJobs},
 * {@code batchFailed}, {@code qosGroup} and, per item, {@code work} / {@code stale}.
 */
public final class MembershipWrites {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.membership");
    private static final String QOS_IGNORED = "don't have access to their default qos";

    private final int jobWaitPolls;

    public MembershipWrites(int jobWaitPolls) {
        this.jobWaitPolls = jobWaitPolls;
    }

    // ---- stale users: their jobs, then their associations -----------------------------------------------

    public boolean hasStale(@ExchangeProperty("batch") MembershipBatch batch) {
        return !batch.stale().isEmpty();
    }

    public List<MembershipBatch.Stale> stale(@ExchangeProperty("batch") MembershipBatch batch) {
        return batch.stale();
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

    /**
     * One removal per association: removing a user's default association together with another of theirs in one
     * command fails on SLURM 22.05 (slurm-sandbox FINDINGS §9).
     */
    public SlurmCommand removeCommand(@ExchangeProperty("stale") MembershipBatch.Stale s, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).removeUser(s.user(), s.account());
    }

    public void removed(@Body SlurmResult r, @ExchangeProperty("stale") MembershipBatch.Stale s,
                        @ExchangeProperty("tally") MembershipSteps.Tally tally) {
        MembershipWork w = s.work();
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (r.jobsActive()) {
            LOG.warn("{}: jobs of {} are still ending; the removal is retried next cycle", w, s.user());
        } else if (!r.succeeded()) {
            w.problem("removing " + s.user() + " from " + s.account() + ": " + r.message());
        } else {
            tally.removed.incrementAndGet();
        }
    }

    // ---- new associations -------------------------------------------------------------------------------

    public boolean hasDefaultAssociations(@ExchangeProperty("batch") MembershipBatch batch) {
        return !batch.defaultAssociations().isEmpty();
    }

    public SlurmCommand defaultAssociationsCommand(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).addDefaultAssociations(batch.defaultAssociations());
    }

    /** Not fatal: the load still adds the associations; only the users' default account stays as SLURM has it. */
    public void defaultAssociationsAdded(@Body SlurmResult r, @ExchangeProperty("offering") OfferingConfig o) {
        if (!r.succeeded()) {
            LOG.warn("adding users to default_account {} failed ({}); their default account is left as it is", o.slurm().defaultAccount(), r.message());
        }
    }

    public boolean hasLoad(@ExchangeProperty("batch") MembershipBatch batch) {
        return !batch.load().isEmpty();
    }

    public SlurmCommand loadCommand(@ExchangeProperty("batch") MembershipBatch batch, Exchange exchange) {
        LoadFile file = batch.load();
        LOG.info("adding {} association(s) of {} account(s) in one sacctmgr load", file.lines(), batch.adding().size());
        SlurmCommand cmd = load(exchange, file);
        LOG.debug("load file:\n{}", cmd.stdin());
        return cmd;
    }

    public void loadApplied(@Body SlurmResult r, @ExchangeProperty("batch") MembershipBatch batch,
                            @ExchangeProperty("tally") MembershipSteps.Tally tally, Exchange exchange) {
        if (r.isTransient()) {
            batch.adding().forEach(w -> slurmAway(w, r));
            exchange.setProperty("batchFailed", false);
            return;
        }
        exchange.setProperty("batchFailed", !r.succeeded());
        if (r.succeeded()) {
            batch.adding().forEach(w -> added(w, tally));
        } else {
            LOG.warn("batch load failed ({}); adding the associations account by account to isolate the failure", r.message());
        }
    }

    /** Per-account adds: always with partitions, otherwise only when the batch load failed. */
    public List<MembershipWork> addsOneByOne(@ExchangeProperty("batch") MembershipBatch batch, Exchange exchange) {
        boolean failed = Boolean.TRUE.equals(exchange.getProperty("batchFailed", Boolean.class));
        return batch.perAccountAdds() || failed ? batch.adding() : List.of();
    }

    public SlurmCommand addCommand(@ExchangeProperty("work") MembershipWork w, @ExchangeProperty("batch") MembershipBatch batch,
                                   @ExchangeProperty("offering") OfferingConfig o, Exchange exchange) {
        return batch.perAccountAdds()
                ? new SlurmCommands(o.slurm()).addUsers(w.add, w.account, w.defaultAccount, w.partitions)
                : load(exchange, MembershipBatch.load(w));
    }

    public void added(@Body SlurmResult r, @ExchangeProperty("work") MembershipWork w, @ExchangeProperty("tally") MembershipSteps.Tally tally) {
        if (r.succeeded()) {
            added(w, tally);
        } else if (r.isTransient()) {
            slurmAway(w, r);
        } else {
            w.problem("adding " + String.join(",", w.add) + " to " + w.account + ": " + r.message());
        }
    }

    private static void added(MembershipWork w, MembershipSteps.Tally tally) {
        w.added.addAll(w.add);
        tally.added.addAndGet(w.add.size());
    }

    // ---- QoS ----------------------------------------------------------------------------------------------

    public List<MembershipBatch.QosGroup> qosGroups(@ExchangeProperty("batch") MembershipBatch batch) {
        return batch.qosGroups();
    }

    public SlurmCommand qosGroupCommand(@ExchangeProperty("qosGroup") MembershipBatch.QosGroup g, @ExchangeProperty("offering") OfferingConfig o) {
        LOG.info("setting QoS {} on {} account(s) in one sacctmgr call", g.qos(), g.works().size());
        return new SlurmCommands(o.slurm()).setQos(g.accounts(), g.qos(), g.target());
    }

    /**
     * The group's accounts all changed, or — when the command failed or SLURM left some QoS unchanged — the
     * accounts of the group are set one by one to find which one (a group of one is judged here directly).
     */
    public List<MembershipWork> qosGroupApplied(@Body SlurmResult r, @ExchangeProperty("qosGroup") MembershipBatch.QosGroup g) {
        if (g.works().size() == 1) {
            qosApplied(r, g.works().get(0));
            return List.of();
        }
        if (r.succeeded() && !ignoredQos(r)) {
            g.works().forEach(w -> w.qos = w.qosList());
            return List.of();
        }
        LOG.warn("setting QoS {} on {} failed ({}); setting it account by account", g.qos(), g.accounts(), r.message());
        return g.works();
    }

    public SlurmCommand qosCommand(@ExchangeProperty("work") MembershipWork w, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).setQos(List.of(w.account), w.qosList(), w.qosTarget);
    }

    public void qosApplied(@Body SlurmResult r, @ExchangeProperty("work") MembershipWork w) {
        if (r.isTransient()) {
            slurmAway(w, r);
        } else if (ignoredQos(r)) {
            w.problem("SLURM left the QoS of " + w.account + " unchanged: its associations have a default QoS outside "
                    + w.qosTarget + " (" + r.message() + ")");
        } else if (r.succeeded()) {
            w.qos = w.qosList();
        } else {
            w.problem("setting QoS " + w.qosTarget + " on " + w.account + ": " + r.message());
        }
    }

    private static boolean ignoredQos(SlurmResult r) {
        return r.succeeded() && (r.stdout() + r.stderr()).contains(QOS_IGNORED);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    /** SLURM unreachable or timed out: the resource is left as it is for the next cycle, never erred for it. */
    private static void slurmAway(MembershipWork w, SlurmResult r) {
        if (!w.isLeft()) {
            LOG.warn("{}: SLURM is unavailable ({}); left for the next cycle", w, r.message());
        }
        w.leave();
    }

    private static SlurmCommand load(Exchange exchange, LoadFile file) {
        OfferingConfig o = exchange.getProperty("offering", OfferingConfig.class);
        file.cluster(exchange.getProperty("cluster", String.class));
        return new SlurmCommands(o.slurm()).load(file);
    }
}
