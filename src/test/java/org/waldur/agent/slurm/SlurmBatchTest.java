package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch-then-one-by-one rule every batched SLURM write follows (routes/slurm.camel.yaml, slurm-batch). */
class SlurmBatchTest {
    private static final SlurmResult OK = SlurmResult.of(0, "", "");
    private static final SlurmResult REFUSED = SlurmResult.of(1, "", " Error with request: bad TRES in line 3");

    private final Map<String, String> outcome = new LinkedHashMap<>();
    private final List<String> told = new ArrayList<>();

    private static SlurmCommand cmd(String... argv) {
        return new SlurmCommand(List.of(argv), true, null);
    }

    private SlurmBatch<String> batchOf(String... items) {
        return SlurmBatch.of("test load", List.of(items)).batch(cmd("load", "all"))
                .onBatchSuccess(told::add)
                .eachItem(i -> List.of(cmd("load", i)), (i, r) -> outcome.put(i, r.succeeded() ? "ok" : "SLURM: " + r.message()));
    }

    /** Runs the steps as slurm-batch does, answering each item command with {@code answer}. */
    private void runSteps(List<? extends SlurmBatch.Step<?>> steps, java.util.function.Function<SlurmCommand, SlurmResult> answer) {
        steps.forEach(s -> s.applied(answer.apply(s.command())));
    }

    @Test
    void aBatchThatSucceedsIsOneProcessAndTellsEveryItem() {
        SlurmBatch<String> b = batchOf("a", "b", "c");
        assertEquals(cmd("load", "all"), b.command());
        assertEquals(List.of(), b.oneByOne(OK));
        assertEquals(List.of("a", "b", "c"), told);
        assertTrue(outcome.isEmpty());
    }

    @Test
    void aFailedBatchRunsEachItemAloneSoOnlyTheBadOneFailsWithSlurmsMessage() {
        SlurmBatch<String> b = batchOf("a", "bad", "c");
        List<? extends SlurmBatch.Step<?>> steps = b.oneByOne(REFUSED);
        assertEquals(List.of(cmd("load", "a"), cmd("load", "bad"), cmd("load", "c")), steps.stream().map(SlurmBatch.Step::command).toList());
        runSteps(steps, c -> c.argv().contains("bad") ? REFUSED : OK);
        assertEquals(Map.of("a", "ok", "bad", "SLURM: Error with request: bad TRES in line 3", "c", "ok"), outcome);
        assertTrue(told.isEmpty(), "a failed batch is success for nobody");
    }

    @Test
    void withoutABatchCommandTheItemsGoOneByOneAtOnce() {
        SlurmBatch<String> b = SlurmBatch.of("removals", List.of("u1", "u2"))
                .eachItem(i -> List.of(cmd("remove", i), cmd("check", i)), (i, r) -> outcome.merge(i, "+", String::concat));
        assertNull(b.command());
        List<? extends SlurmBatch.Step<?>> steps = b.oneByOne(null);
        assertEquals(4, steps.size(), "every command of every item");
        runSteps(steps, c -> OK);
        assertEquals(Map.of("u1", "++", "u2", "++"), outcome);
    }

    @Test
    void nothingToDoRunsNothing() {
        assertNull(SlurmBatch.none().command());
        assertEquals(List.of(), SlurmBatch.none().oneByOne(null));
        assertNull(SlurmBatch.of("empty", List.of()).batch(cmd("load", "all")).command(), "no items, no process");
    }

    @Test
    void aBatchWithoutItemCommandsOnlyReportsItsFailure() {
        SlurmBatch<String> b = SlurmBatch.of("default associations", List.of("alice")).batch(cmd("add", "user", "alice"));
        assertEquals(List.of(), b.oneByOne(REFUSED));
    }

    @Test
    void aCustomSuccessTestSendsAnExitZeroThatChangedNothingOneByOne() {
        SlurmResult ignored = SlurmResult.of(0, "", " These associations don't have access to their default qos.");
        SlurmBatch<String> b = batchOf("a", "b").succeededWhen(r -> r.succeeded() && !SlurmOutput.qosIgnored(r));
        assertEquals(2, b.oneByOne(ignored).size());
    }
}
