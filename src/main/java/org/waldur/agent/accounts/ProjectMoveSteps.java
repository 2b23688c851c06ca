package org.waldur.agent.accounts;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmBatch;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;

import java.util.List;

/**
 * The steps routes/project-moves.camel.yaml calls for the {@link ProjectMoves} of a cycle (exchange property
 * {@code projectMoves}, set by order_process or membership_sync): the one load, the verifying read, the outcome in
 * the log. A move that fails or does not show is a warning: the allocation works under its project wherever the
 * project hangs, and the next cycle's snapshot finds the move again.
 */
public final class ProjectMoveSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.accounts");

    public boolean hasMoves(@ExchangeProperty("projectMoves") ProjectMoves moves) {
        return moves != null && !moves.isEmpty();
    }

    /** New customer accounts first, in a load of their own (none when SLURM has them all). */
    public SlurmBatch<String> customers(@ExchangeProperty("projectMoves") ProjectMoves moves,
                                        @ExchangeProperty("offering") OfferingConfig o,
                                        @ExchangeProperty("cluster") String cluster) {
        LoadFile file = moves.customersLoad();
        List<String> names = List.copyOf(file.accounts().keySet());
        return SlurmBatch.of("new customer accounts " + names, names)
                .batch(file.isEmpty() ? null : new SlurmCommands(o.slurm()).load(file.cluster(cluster)));
    }

    public SlurmBatch<ProjectMoves.Move> batch(@ExchangeProperty("projectMoves") ProjectMoves moves,
                                               @ExchangeProperty("offering") OfferingConfig o,
                                               @ExchangeProperty("cluster") String cluster) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        moves.moves().forEach(m -> LOG.info("{}: moving {}", o.name(), m));
        return SlurmBatch.of("project account moves", moves.moves())
                .batch(commands.load(moves.load().cluster(cluster)))
                .eachItem(m -> List.of(commands.load(moves.load(m).cluster(cluster))), ProjectMoveSteps::movedAlone);
    }

    private static void movedAlone(ProjectMoves.Move m, SlurmResult r) {
        if (!r.succeeded()) {
            LOG.warn("{}: not moved ({}); tried again next cycle", m, r.message());
        }
    }

    /** Nothing was written in a dry run, so nothing to verify. */
    public boolean needsVerifying(Exchange exchange) {
        return !Boolean.parseBoolean(exchange.getContext().resolvePropertyPlaceholders("{{agent.dry-run}}"));
    }

    /** The moved projects' associations: one process. */
    public SlurmCommand verifyCommand(@ExchangeProperty("projectMoves") ProjectMoves moves, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).associations(moves.moves().stream().map(ProjectMoves.Move::project).toList());
    }

    public void verified(@Body SlurmResult read, @ExchangeProperty("projectMoves") ProjectMoves moves) {
        if (!read.succeeded()) {
            LOG.warn("cannot verify {} project move(s) ({}); the next cycle checks them again", moves.moves().size(), read.message());
            return;
        }
        List<ProjectMoves.Move> missing = moves.unverified(AssociationSnapshot.parse(read.stdout(), ""));
        for (ProjectMoves.Move m : moves.moves()) {
            if (missing.contains(m)) {
                LOG.warn("{}: SLURM does not show the move; tried again next cycle", m);
            } else {
                LOG.info("{}: moved, verified", m);
            }
        }
    }
}
