package org.waldur.agent.periodic;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.Mode;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmBatch;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of routes/periodic-limits.camel.yaml around a {@link PeriodicLimitsPlan} (exchange property
 * {@code periodicPlan}): the read, the two batched writes, the verifying read, the reports. A SLURM that cannot be
 * reached, or a read that fails, fails the pass ({@link PeriodicLimitsPassFailed}): the event hub retries it with
 * the messages unacknowledged. What SLURM refuses for one account (an unknown TRES, a missing account) is that
 * account's verdict, reported to Waldur.
 */
public final class PeriodicLimitSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.periodic");
    /**
     * Commands run for a message whose report has not reached Waldur yet (Waldur down): a retried pass finds nothing
     * left to change, and must still report what the first one ran. Key: policy, resource, timestamp.
     */
    private final Map<String, List<String>> unreported = new ConcurrentHashMap<>();

    /** A failure the whole pass is retried for (SLURM unreachable, a read refused). */
    public static final class PeriodicLimitsPassFailed extends RuntimeException {
        public PeriodicLimitsPassFailed(String message) {
            super(message);
        }
    }

    /** Offerings whose periodic limits this process listens for outside event_process (see the route file). */
    public List<OfferingConfig> listenOfferings(Exchange e) {
        boolean eventProcess = Boolean.parseBoolean(e.getContext().resolvePropertyPlaceholders("{{agent.event-process.enabled}}"));
        AgentConfig c = e.getContext().getRegistry().lookupByNameAndType("agentConfig", AgentConfig.class);
        return c.offerings().stream().filter(o -> o.slurm().periodicLimits().enabled())
                .filter(o -> !(eventProcess && o.handles(Mode.EVENT_PROCESS)))
                .filter(o -> o.handles(Mode.ORDER_PROCESS, false) || o.handles(Mode.MEMBERSHIP_SYNC, false))
                .toList();
    }

    public PeriodicLimitsPlan plan(@ExchangeProperty("periodicMessages") List<String> bodies,
                                   @ExchangeProperty("offering") OfferingConfig o) {
        PeriodicLimitsPlan plan = PeriodicLimitsPlan.of(bodies, o.slurm());
        for (PeriodicLimitsMessage m : plan.refused()) {
            LOG.warn("{}: {} not applied: {}", o.name(), m, m.problem());
        }
        for (PeriodicLimitsPlan.Item i : plan.items()) {
            i.applied(); // at least one message per item
            for (PeriodicLimitsMessage m : i.messages) {
                List<String> earlier = unreported.get(key(m));
                if (earlier != null && i.commands.isEmpty()) {
                    i.commands.addAll(earlier);
                }
            }
        }
        return plan;
    }

    public boolean hasAccounts(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan) {
        return !plan.accounts().isEmpty();
    }

    /** The accounts' associations, before and after the writes: one process. */
    public SlurmCommand read(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).associations(plan.accounts());
    }

    public void diff(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan, @Body SlurmResult read) {
        plan.diff(AssociationSnapshot.parse(required(read, "association read"), ""));
        for (PeriodicLimitsPlan.Item i : plan.items()) {
            if (i.error() == null && i.writes.isEmpty() && !i.reset()) {
                LOG.info("{}: periodic settings already in SLURM, nothing to write", i.account);
            }
        }
    }

    /** Fairshare and limits of every account that differs: one load; one load per account only if it fails. */
    public SlurmBatch<PeriodicLimitsPlan.Item> writes(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan,
                                                      @ExchangeProperty("offering") OfferingConfig o) {
        List<PeriodicLimitsPlan.Item> writing = plan.writing();
        if (writing.isEmpty()) {
            return SlurmBatch.none();
        }
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmCommand all = commands.load(plan.load());
        writing.forEach(i -> LOG.info("{}: applying periodic settings {}", o.name(), i.line()));
        return SlurmBatch.of("periodic settings load", writing)
                .batch(all)
                .onBatchSuccess(i -> i.ran(text(all) + " <<< " + i.line()))
                .whenSlurmAway((i, r) -> i.slurmAway())
                .eachItem(i -> List.of(commands.load(plan.load(i))), (i, r) -> {
                    if (r.isTransient()) {
                        i.slurmAway();
                    } else if (r.succeeded()) {
                        i.ran(text(commands.load(plan.load(i))) + " <<< " + i.line());
                    } else {
                        i.failed("SLURM refused " + i.line() + ": " + r.message());
                    }
                });
    }

    /** RawUsage=0 of every account that asks for it: one process; one per account only if it fails. */
    public SlurmBatch<PeriodicLimitsPlan.Item> resets(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan,
                                                      @ExchangeProperty("offering") OfferingConfig o) {
        List<PeriodicLimitsPlan.Item> resets = plan.resets();
        if (resets.isEmpty()) {
            return SlurmBatch.none();
        }
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmCommand all = commands.resetRawUsage(resets.stream().map(i -> i.account).toList());
        return SlurmBatch.of("RawUsage reset", resets)
                .batch(all)
                .onBatchSuccess(i -> i.ran(text(all)))
                .whenSlurmAway((i, r) -> i.slurmAway())
                .eachItem(i -> List.of(commands.resetRawUsage(List.of(i.account))), (i, r) -> {
                    if (r.isTransient()) {
                        i.slurmAway();
                    } else if (r.succeeded()) {
                        i.ran(text(commands.resetRawUsage(List.of(i.account))));
                    } else {
                        i.failed("SLURM refused the RawUsage reset of " + i.account + ": " + r.message());
                    }
                });
    }

    /** SLURM went away during the writes: the pass fails and is retried, nothing is reported yet. */
    public void requireSlurm(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan) {
        if (plan.slurmAway()) {
            throw new PeriodicLimitsPassFailed("SLURM is unavailable; the periodic settings are applied when it answers again");
        }
    }

    /** Something was written, and not in a dry run: the second read decides. */
    public boolean needsVerifying(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan, Exchange exchange) {
        return !plan.writing().isEmpty()
                && !Boolean.parseBoolean(exchange.getContext().resolvePropertyPlaceholders("{{agent.dry-run}}"));
    }

    public void verified(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan, @Body SlurmResult read) {
        plan.verify(AssociationSnapshot.parse(required(read, "verifying association read"), ""));
    }

    /** The verdicts, one per message; kept until Waldur has them (a retried pass reports the same commands). */
    public List<PeriodicLimitsPlan.Report> reports(@ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan,
                                                   @ExchangeProperty("offering") OfferingConfig o) {
        for (PeriodicLimitsPlan.Item i : plan.items()) {
            for (PeriodicLimitsMessage m : i.messages) {
                unreported.put(key(m), List.copyOf(i.commands));
            }
            if (i.error() == null) {
                LOG.info("{}: periodic settings of {} applied and verified ({} command(s))", o.name(), i.account, i.commands.size());
            } else {
                LOG.warn("{}: periodic settings of {} not applied: {}", o.name(), i.account, i.error());
            }
        }
        return plan.reports();
    }

    public String reportPath(@Body PeriodicLimitsPlan.Report r) {
        return "marketplace-slurm-periodic-usage-policies/" + r.policyUuid() + "/report-command-result/";
    }

    public Map<String, Object> reportBody(@Body PeriodicLimitsPlan.Report r) {
        return r.body();
    }

    public void reported(@ExchangeProperty("periodicReport") PeriodicLimitsPlan.Report r,
                         @ExchangeProperty("periodicPlan") PeriodicLimitsPlan plan) {
        for (PeriodicLimitsPlan.Item i : plan.items()) {
            i.messages.stream().filter(m -> m.policyUuid().equals(r.policyUuid()) && m.resourceUuid().equals(r.resourceUuid()))
                    .forEach(m -> unreported.remove(key(m)));
        }
    }

    private static String key(PeriodicLimitsMessage m) {
        return m.policyUuid() + "|" + m.resourceUuid() + "|" + m.timestamp();
    }

    private static String text(SlurmCommand c) {
        return String.join(" ", c.argv());
    }

    private static String required(SlurmResult r, String what) {
        if (!r.succeeded()) {
            throw new PeriodicLimitsPassFailed(what + " failed: " + r.message());
        }
        return r.stdout();
    }
}
