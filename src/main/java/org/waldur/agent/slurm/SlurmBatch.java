package org.waldur.agent.slurm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * SLURM writes for many items (orders, resources, associations): one command for all of them, and only when that
 * fails, each item's own command(s) one by one — so a cycle costs one process however many items there are, and
 * a bad item fails alone, with SLURM's own message, while its neighbours go through. routes/slurm.camel.yaml
 * ({@code slurm-batch}) runs it; this class decides, without Camel and without I/O:
 * <ol>
 *   <li>{@link #command()}: the batch command, or null to go one by one at once (or when there is nothing);</li>
 *   <li>{@link #oneByOne(SlurmResult)}: after the batch answered (null: no batch ran), the item commands to run
 *       one by one — none when the batch succeeded, each item then being told so;</li>
 *   <li>{@link Step#applied(SlurmResult)}: each item command's answer, recorded on its item.</li>
 * </ol>
 *
 * @param <T> the item: whatever records its own outcome (an OrderWork, a MembershipWork, …)
 */
public final class SlurmBatch<T> {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.slurm");

    private final String what;
    private final List<T> items;
    private SlurmCommand command;
    private Predicate<SlurmResult> succeeded = SlurmResult::succeeded;
    private Consumer<T> onBatchSuccess = item -> { };
    private Function<T, List<SlurmCommand>> itemCommands = item -> List.of();
    private BiConsumer<T, SlurmResult> itemApplied = (item, r) -> { };
    private boolean hasItemCommands;

    private SlurmBatch(String what, List<T> items) {
        this.what = what;
        this.items = List.copyOf(items);
    }

    /** {@code what} names the write in logs ("account/association load", "QoS normal"). */
    public static <T> SlurmBatch<T> of(String what, List<T> items) {
        return new SlurmBatch<>(what, items);
    }

    /** Nothing to run. */
    public static <T> SlurmBatch<T> none() {
        return new SlurmBatch<>("nothing", List.of());
    }

    /** The command for every item at once; without one (or with null) the items go one by one directly. */
    public SlurmBatch<T> batch(SlurmCommand all) {
        this.command = all;
        return this;
    }

    /** When the batch counts as done for every item (default: {@link SlurmResult#succeeded()}). */
    public SlurmBatch<T> succeededWhen(Predicate<SlurmResult> test) {
        this.succeeded = test;
        return this;
    }

    /** Told of each item when the batch succeeded. */
    public SlurmBatch<T> onBatchSuccess(Consumer<T> action) {
        this.onBatchSuccess = action;
        return this;
    }

    /** Each item's own command(s), run one by one when there is no batch or it failed; none: the batch only. */
    public SlurmBatch<T> eachItem(Function<T, List<SlurmCommand>> commands, BiConsumer<T, SlurmResult> applied) {
        this.itemCommands = commands;
        this.itemApplied = applied;
        this.hasItemCommands = true;
        return this;
    }

    /** The batch command, or null when there is none to run. */
    public SlurmCommand command() {
        return items.isEmpty() ? null : command;
    }

    /**
     * The item commands to run one by one after the batch answered {@code batchResult} (null: no batch ran). A
     * batch that succeeded is recorded on every item here and leaves nothing to run.
     */
    public List<Step<T>> oneByOne(SlurmResult batchResult) {
        if (items.isEmpty()) {
            return List.of();
        }
        if (batchResult != null) {
            if (succeeded.test(batchResult)) {
                items.forEach(onBatchSuccess);
                return List.of();
            }
            if (!hasItemCommands) {
                LOG.warn("{} failed ({})", what, batchResult.message());
                return List.of();
            }
            LOG.warn("{} for {} item(s) failed ({}); one by one to isolate the failure", what, items.size(), batchResult.message());
        }
        List<Step<T>> steps = new ArrayList<>();
        for (T item : items) {
            itemCommands.apply(item).forEach(c -> steps.add(new Step<>(this, item, c)));
        }
        return steps;
    }

    /** One item command; its answer goes to the item. */
    public record Step<T>(SlurmBatch<T> batch, T item, SlurmCommand command) {
        public void applied(SlurmResult result) {
            batch.itemApplied.accept(item, result);
        }
    }

    @Override
    public String toString() {
        return what + " (" + items.size() + " item(s))";
    }
}
