package org.waldur.agent.slurm;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.waldur.agent.config.OfferingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Camel side of running a {@link SlurmCommand} with camel-exec (routes/slurm.camel.yaml, the one place that
 * runs a process): exec headers from the argv, stdin from the command (never a leftover message body), a
 * {@link SlurmResult} from the exit code and both streams ({@link StreamedResult} for streamed output). Also counts
 * the processes started, which tests and the bench command report.
 */
public final class SlurmExec {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.slurm");
    private final boolean dryRun;
    private final AtomicLong started = new AtomicLong();

    public SlurmExec(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public long processesStarted() {
        return started.get();
    }

    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        SlurmCommand cmd = m.getBody(SlurmCommand.class);
        exchange.setProperty("slurmCommand", cmd);
        m.removeHeaders("*");
        boolean skip = dryRun && cmd.mutating();
        m.setHeader("slurmDryRun", skip);
        if (!skip) {
            started.incrementAndGet();
            m.setHeader("CamelExecCommandExecutable", cmd.executable());
            m.setHeader("CamelExecCommandArgs", cmd.args());
            LOG.debug("running {}", cmd);
        }
        m.setBody(cmd.stdin() == null ? "" : cmd.stdin());
    }

    public SlurmResult dryRun() {
        return SlurmResult.dryRun();
    }

    /** A {@link SlurmResult}, or for a command with streamed output a {@link StreamedResult}. */
    public Object result(Exchange exchange) {
        Message m = exchange.getMessage();
        SlurmCommand cmd = exchange.getProperty("slurmCommand", SlurmCommand.class);
        Integer exit = m.getHeader("CamelExecExitValue", Integer.class);
        String stderr = m.getHeader("CamelExecStderr", String.class);
        String stdout = cmd.streamedOutput() ? "" : m.getBody(String.class);
        SlurmResult r = SlurmResult.of(cmd, exit == null ? -1 : exit, stdout, stderr);
        if (r.status() == SlurmResult.Status.FAILED) {
            LOG.warn("SLURM command failed (exit {}): {}: {}", r.exitCode(), cmd, r.message());
        }
        return cmd.streamedOutput() ? new StreamedResult(r, m.getBody(InputStream.class)) : r;
    }

    /** The process could not start at all (missing binary, bad prefix): a failure with a clear reason. */
    public Object notStarted(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        SlurmCommand cmd = exchange.getProperty("slurmCommand", SlurmCommand.class);
        String why = "command not found or not executable: " + cmd.executable()
                + (t != null && t.getCause() != null ? " (" + t.getCause().getMessage() + ")" : "");
        LOG.warn("SLURM command did not start: {}: {}", cmd, why);
        SlurmResult r = new SlurmResult(SlurmResult.Status.FAILED, 127, "", why);
        return cmd.streamedOutput() ? new StreamedResult(r, InputStream.nullInputStream()) : r;
    }

    // ---- a batch, then one by one (routes/slurm.camel.yaml, slurm-batch) ---------------------------------

    /** After the batch command's answer (null: no batch command ran), the item commands to run one by one. */
    public List<? extends SlurmBatch.Step<?>> oneByOne(@ExchangeProperty("slurmBatch") SlurmBatch<?> batch, @Body SlurmResult answer) {
        return batch.oneByOne(answer);
    }

    public void stepApplied(@ExchangeProperty("slurmStep") SlurmBatch.Step<?> step, @Body SlurmResult answer) {
        step.applied(answer);
    }

    // ---- verify, then report (routes/slurm.camel.yaml, verify-writes) -------------------------------------

    /** After the first verifying read: what it does not show, applied again alone. */
    public SlurmBatch<?> verifyFirst(@ExchangeProperty("verification") VerifiedWrites<?> v, @Body SlurmResult read) {
        return v.firstRead(read);
    }

    public void verifySecond(@ExchangeProperty("verification") VerifiedWrites<?> v, @Body SlurmResult read) {
        v.secondRead(read);
    }

    // ---- the cycle snapshot (routes/slurm.camel.yaml, slurm-snapshot) ------------------------------------

    public SlurmCommand tresCommand(@ExchangeProperty("offering") OfferingConfig offering) {
        return new SlurmCommands(offering.slurm()).listTres();
    }

    public SlurmCommand associationsCommand(@ExchangeProperty("offering") OfferingConfig offering) {
        return new SlurmCommands(offering.slurm()).associations();
    }

    public SlurmCommand organizationsCommand(@ExchangeProperty("offering") OfferingConfig offering) {
        return new SlurmCommands(offering.slurm()).accountOrganizations();
    }

    /** TRES names from {@code list tres} ({@code type|name|id} → {@code gres/gpu}, {@code cpu}); reads[0]. */
    public Set<String> tres(List<SlurmResult> reads) {
        return SlurmOutput.tres(required(reads.get(0), "sacctmgr list tres"));
    }

    /** The snapshot from the associations (reads[1]) and the account organizations (reads[2]). */
    public AssociationSnapshot snapshot(List<SlurmResult> reads) {
        return AssociationSnapshot.parse(required(reads.get(1), "sacctmgr show association"),
                required(reads.get(2), "sacctmgr list account"));
    }

    private static String required(SlurmResult r, String what) {
        if (!r.succeeded()) {
            throw new SlurmReadException(what + " failed: " + r.message());
        }
        return r.stdout();
    }

    /** A read the whole cycle depends on failed; the offering's cycle stops and tries again next time. */
    public static final class SlurmReadException extends RuntimeException {
        public SlurmReadException(String message) {
            super(message);
        }
    }
}
