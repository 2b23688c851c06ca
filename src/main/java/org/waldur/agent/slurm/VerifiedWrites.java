package org.waldur.agent.slurm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Done means verified, for any kind of item (an order, a resource's members): after a cycle's SLURM writes, one
 * fresh association read decides what is really there — a write SLURM answered with success is not proof
 * (examples/slurm-sandbox/FINDINGS.md §9: a load that read no input says "Nothing new added." with exit 0), and a
 * read right after a write shows it (§23), so a gap means "not applied", not "not yet visible". What
 * the read does not show is applied again alone, so SLURM's answer to that item's own command is its error; what
 * SLURM accepted and a second read still does not show fails with what is missing. The second read runs only when
 * something was retried, so the cost stays one read per cycle. routes/slurm.camel.yaml ({@code verify-writes})
 * runs it; no Camel, no I/O here.
 *
 * @param <T> the item: whatever records its own outcome
 */
public final class VerifiedWrites<T> {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.slurm");

    /** One command that applies part of an item again; {@code what} names it in the item's error. */
    public record Retry(String what, SlurmCommand command) {
    }

    /** What a retry told: the item, the retry, SLURM's answer. */
    public interface RetryAnswer<T> {
        /** Records {@code answer} on {@code item}; true when SLURM accepted it (then the second read decides). */
        boolean accepted(T item, Retry retry, SlurmResult answer);
    }

    /** An item SLURM accepted again that the second read ({@code now}) still does not show; {@code why} says what. */
    public interface StillMissing<T> {
        void accept(T item, String why, AssociationSnapshot now);
    }

    private final String what;
    private final List<T> items;
    private final SlurmCommand read;
    private final BiFunction<T, AssociationSnapshot, List<String>> gaps;
    private BiFunction<T, AssociationSnapshot, List<Retry>> retries = (item, now) -> List.of();
    private RetryAnswer<T> answer = (item, retry, r) -> r.succeeded();
    private StillMissing<T> stillMissing = (item, why, now) -> { };
    private BiConsumer<T, SlurmResult> readFailed = (item, r) -> { };
    private final Set<T> retried = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
    private final Set<T> refused = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));

    private VerifiedWrites(String what, List<T> items, SlurmCommand read, BiFunction<T, AssociationSnapshot, List<String>> gaps) {
        this.what = what;
        this.items = List.copyOf(items);
        this.read = read;
        this.gaps = gaps;
    }

    /**
     * {@code items} whose writes {@code read} (an association read) must confirm; {@code gaps} says, one phrase
     * per gap, what of an item a snapshot lacks (empty: all there).
     */
    public static <T> VerifiedWrites<T> of(String what, List<T> items, SlurmCommand read,
                                           BiFunction<T, AssociationSnapshot, List<String>> gaps) {
        return new VerifiedWrites<>(what, items, read, gaps);
    }

    /** Nothing was written (or a dry run): nothing to read. */
    public static <T> VerifiedWrites<T> none() {
        return new VerifiedWrites<>("nothing", List.of(), null, (item, now) -> List.of());
    }

    /** The commands that apply again what the first read did not show, and how each answer is recorded. */
    public VerifiedWrites<T> retryWith(BiFunction<T, AssociationSnapshot, List<Retry>> commands, RetryAnswer<T> recorded) {
        this.retries = commands;
        this.answer = recorded;
        return this;
    }

    /** Told of an item SLURM accepted again and the second read still does not show, with what is missing. */
    public VerifiedWrites<T> whenStillMissing(StillMissing<T> action) {
        this.stillMissing = action;
        return this;
    }

    /** Told of each item when a verifying read fails: nothing is known, the item waits for the next cycle. */
    public VerifiedWrites<T> whenReadFails(BiConsumer<T, SlurmResult> action) {
        this.readFailed = action;
        return this;
    }

    /** The verifying read, or null when there is nothing to verify. */
    public SlurmCommand read() {
        return items.isEmpty() ? null : read;
    }

    /** After the first read: the items whose part it lacks, each applied again alone (no batch command). */
    public SlurmBatch<Pending<T>> firstRead(SlurmResult result) {
        if (items.isEmpty()) {
            return SlurmBatch.none();
        }
        if (!result.succeeded()) {
            LOG.warn("{}: the verifying read failed ({}); {} item(s) left for the next cycle", what, result.message(), items.size());
            items.forEach(item -> readFailed.accept(item, result));
            return SlurmBatch.none();
        }
        AssociationSnapshot now = AssociationSnapshot.parse(result.stdout(), "");
        List<Pending<T>> pending = new ArrayList<>();
        for (T item : items) {
            List<String> missing = gaps.apply(item, now);
            if (!missing.isEmpty()) {
                LOG.warn("{}: SLURM does not show {}; applying it again alone", item, String.join("; ", missing));
                retries.apply(item, now).forEach(r -> pending.add(new Pending<>(item, r)));
            }
        }
        return SlurmBatch.of(what + " retry", pending).eachItem(p -> List.of(p.retry().command()), this::retryAnswered);
    }

    private void retryAnswered(Pending<T> p, SlurmResult r) {
        if (refused.contains(p.item())) {
            return; // an earlier retry of this item already decided it
        }
        if (answer.accepted(p.item(), p.retry(), r)) {
            retried.add(p.item());
        } else {
            refused.add(p.item());
            retried.remove(p.item());
        }
    }

    public boolean hasRetried() {
        return !retried.isEmpty();
    }

    /** The second read, only after retries: what SLURM accepted but still does not show fails with it. */
    public void secondRead(SlurmResult result) {
        List<T> again = items.stream().filter(retried::contains).toList();
        if (!result.succeeded()) {
            again.forEach(item -> readFailed.accept(item, result));
            return;
        }
        AssociationSnapshot now = AssociationSnapshot.parse(result.stdout(), "");
        for (T item : again) {
            List<String> missing = gaps.apply(item, now);
            if (!missing.isEmpty()) {
                stillMissing.accept(item, "SLURM accepted the writes, but " + String.join("; ", missing), now);
            }
        }
    }

    /** One retry command of one item. */
    public record Pending<T>(T item, Retry retry) {
    }

    @Override
    public String toString() {
        return what + " (" + items.size() + " item(s))";
    }
}
