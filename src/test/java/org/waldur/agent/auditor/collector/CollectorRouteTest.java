package org.waldur.agent.auditor.collector;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.slurm.SlurmExec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector's two routes as shipped (routes/slurm.camel.yaml + routes/auditor-slurm-collector.camel.yaml) with
 * sacct answered on the mocked exec endpoint and a {@link FakeAuditor} that keeps state and injects faults.
 */
class CollectorRouteTest extends CamelMainTestSupport {
    static final String KEYS_LINE = "Partition,Comment,NCPUS,SystemCPU,UserCPU,ReqMem,JobID,Start,End,Group,User,State,NodeList";
    final FakeAuditor server = FakeAuditor.start();
    final Path db = tempFile();
    final CollectorConfig config = CollectorConfigTest.parse(CollectorConfigTest.AUDITOR_TEST_CONFIG
            .replace("sacct_frequency: 2", "sacct_frequency: 1"), Map.of(
            "AUDITOR_SLURM_COLLECTOR_ADDR", "127.0.0.1", "AUDITOR_SLURM_COLLECTOR_PORT", Integer.toString(server.port()),
            "AUDITOR_SLURM_COLLECTOR_SENDER_BATCH_SIZE", "3",
            "AUDITOR_SLURM_COLLECTOR_EARLIEST_DATETIME", "2026-12-01T00:00:00Z"));
    final Outbox outbox = new Outbox(db);
    final CollectorStatus status = new CollectorStatus(null, outbox);
    /** What sacct prints next (exit code, stdout); every sacct argv seen. */
    final AtomicReference<String[]> sacct = new AtomicReference<>(new String[]{"0", ""});
    final List<List<String>> sacctCalls = new CopyOnWriteArrayList<>();

    static Path tempFile() {
        try {
            Path d = Files.createTempDirectory("collector");
            return d.resolve("outbox.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void configureContext(CamelContextConfiguration c) {
        super.configureContext(c);
        Properties p = new Properties();
        p.put("camel.main.routes-include-pattern", "file:routes/slurm.camel.yaml,file:routes/auditor-slurm-collector.camel.yaml");
        p.put("camel.main.routes-exclude-pattern", "**/none-excluded");
        p.put("auditor.collector.sacct-period-ms", "200");
        p.put("auditor.collector.sender-period-ms", "100");
        p.put("auditor.collector.request-timeout-ms", "2000");
        c.withUseOverridePropertiesWithPropertiesComponent(p);
        c.withMockEndpointsAndSkip("exec:*");
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("slurmExec", new SlurmExec(false));
        registry.bind("fileBackedExec", new org.waldur.agent.slurm.FileBackedExecutor());
        registry.bind("collectorPoll", new CollectorPoll(config, outbox, status, Instant::now));
        registry.bind("collectorSender", new CollectorSender(outbox, status, config.serverUrl(), config.senderBatchSize(),
                new Outbox.Backoff(50, 200), System::currentTimeMillis));
    }

    @Override
    protected void doPostSetup() {
        getMockEndpoint("mock:exec:slurm").whenAnyExchangeReceived((Exchange e) -> {
            @SuppressWarnings("unchecked")
            List<String> args = e.getMessage().getHeader("CamelExecCommandArgs", List.class);
            List<String> argv = new ArrayList<>();
            argv.add(e.getMessage().getHeader("CamelExecCommandExecutable", String.class));
            argv.addAll(args);
            sacctCalls.add(argv);
            String[] answer = sacct.get();
            e.getMessage().setHeader("CamelExecExitValue", Integer.parseInt(answer[0]));
            e.getMessage().setBody(answer[1]);
            e.getMessage().setHeader("CamelExecStderr", answer.length > 2 ? answer[2] : "");
        });
    }

    @AfterEach
    void closeAll() {
        server.close();
    }

    /**
     * Jobs end an hour before the test: the fake sacct prints them for every window, and the outbox forgets a
     * delivered id a day after its job ended (CollectorPoll.forgetAfter), as a real window no longer returns it.
     * Fixed times made every later poll deliver them again once that day had passed.
     */
    static final long END = Instant.now().minusSeconds(3600).getEpochSecond();

    static String job(String id, String partition, String comment) {
        return partition + "|" + comment + "|1|00:00.016|00:00.004|10M|" + id + "|" + (END - 2) + "|" + END + "|lab|alice|COMPLETED|vm\n"
                + "||1|00:00.016|00:00.004||" + id + ".batch|" + (END - 2) + "|" + END + "|||COMPLETED|vm\n";
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void jobsBecomeRecordsAtTheServerThroughTheOutbox() throws Exception {
        sacct.set(new String[]{"0", job("1", "part1", "{ 'voms': '/atlas/Role=production', 'subject': '/some/thing' }")
                + job("2_1", "part2", "") + job("2_2", "part2", "")
                + "part1||1|||10M|3|" + (END - 2) + "|" + (END - 2) + "|lab|alice|CANCELLED by 0|None assigned\n"});
        await("3 records at the server", () -> server.records().size() == 3);
        assertEquals(1.1, server.record("slurm-1").at("/components/0/scores/0/value").asDouble());
        assertEquals("SiteA", server.record("slurm-1").at("/meta/site_id/0").asText());
        assertEquals("/some/thing", server.record("slurm-1").at("/meta/subject/0").asText());
        assertEquals("SiteB", server.record("slurm-2_2").at("/meta/site_id/0").asText());
        assertEquals(1.2, server.record("slurm-2_2").at("/components/0/scores/0/value").asDouble());
        await("outbox empty", () -> outbox.pending() == 0);
        int postsAfterFirst = server.posts();
        Thread.sleep(600); // more polls return the same jobs (overlap window): nothing is sent again
        assertEquals(postsAfterFirst, server.posts());
        assertEquals(0, server.duplicatesPosted());
        List<String> argv = sacctCalls.get(0);
        assertEquals(List.of("/usr/bin/env", "TZ=UTC", "SLURM_TIME_FORMAT=%s", "sacct", "-a", "--format", KEYS_LINE),
                argv.subList(0, 7));
        assertEquals("2026-12-01T00:00:00", argv.get(argv.indexOf("-S") + 1), "first window starts at earliest_datetime");
        String laterStart = sacctCalls.get(sacctCalls.size() - 1).get(argv.indexOf("-S") + 1);
        assertTrue(laterStart.compareTo("2026-12-01T00:00:00") > 0, "then at the watermark less the overlap: " + laterStart);
    }

    @Test
    void serverErrorsAndLostAnswersAreRetriedAndEndExactlyOnce() throws Exception {
        server.failNext(3);
        server.storeThenDropNext(1);
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            out.append(job(Integer.toString(i), i % 2 == 0 ? "part2" : "part1", ""));
        }
        sacct.set(new String[]{"0", out.toString()});
        await("10 records at the server", () -> server.records().size() == 10);
        await("outbox empty", () -> outbox.pending() == 0);
        assertEquals(0, outbox.deadLetters());
        assertTrue(server.duplicatesPosted() >= 1, "the lost answer's batch came back as RECORD_EXISTS and was settled");
    }

    @Test
    void aRefusedRecordIsDeadLetteredAloneAndItsNeighboursDelivered() throws Exception {
        server.refuse("slurm-2", 403);
        sacct.set(new String[]{"0", job("1", "part1", "") + job("2", "part1", "") + job("3", "part2", "")});
        await("2 records", () -> server.records().size() == 2);
        await("one dead letter", () -> outbox.deadLetters() == 1 && outbox.pending() == 0);
        Outbox.DeadLetter d = outbox.deadLetterList().get(0);
        assertEquals("slurm-2", d.recordId());
        assertTrue(d.reason().startsWith("HTTP 403"), d.reason());
    }

    @Test
    void anUnbuildableJobIsDeadLetteredAndThePollGoesOn() throws Exception {
        sacct.set(new String[]{"0", job("1", "debug", "") + job("2", "part2", "") + "4|x|y|extra|fields\n"});
        await("1 record", () -> server.records().size() == 1);
        await("two dead letters", () -> outbox.deadLetters() == 2);
        assertTrue(outbox.deadLetterList().stream().anyMatch(d -> d.recordId().equals("slurm-1")
                && d.reason().contains("no configured site")));
    }

    @Test
    void aFailingSacctTurnsHealthDownUntilItWorksAgain() throws Exception {
        sacct.set(new String[]{"1", "", "sacct: error: Problem talking to the database: Connection refused"});
        HealthCheckHelper.getHealthCheckRegistry(context).register(new CollectorHealthCheck(status, outbox));
        await("a failed poll", () -> status.sacctError() != null);
        HealthCheck.Result r = HealthCheckHelper.invoke(context).stream()
                .filter(x -> x.getCheck().getId().equals("auditor-slurm-collector")).findFirst().orElseThrow();
        assertEquals(HealthCheck.State.DOWN, r.getState());
        assertTrue(r.getMessage().orElse("").contains("Connection refused"));
        assertTrue(outbox.watermark().isEmpty(), "the window is not moved past a failed read");
        sacct.set(new String[]{"0", job("1", "part1", "")});
        await("recovered", () -> status.sacctError() == null && server.records().size() == 1);
    }

    @Test
    void anyAuditorServerWorks_withoutTheBulkEndpointOrWithIgnoredDuplicates() throws Exception {
        server.noBulk = true;
        sacct.set(new String[]{"0", job("1", "part1", "")});
        await("1 record through POST /record", () -> server.records().size() == 1 && outbox.pending() == 0);
        assertEquals(0, outbox.deadLetters(), "a 404 on POST /records is no refusal of the record");
        server.noBulk = false;
        server.ignoreRecordExists = true;
        // slurm-2 is already at the server: in a batch with slurm-3, AUDITOR rolls the batch back and answers
        // 200 + warning; slurm-3 must still arrive
        server.preload("slurm-2");
        sacct.set(new String[]{"0", job("1", "part1", "") + job("2", "part2", "") + job("3", "part2", "")});
        await("3 records", () -> server.records().size() == 3 && outbox.pending() == 0);
        assertEquals(0, outbox.deadLetters());
    }

    @Override
    protected Class<?> getMainClass() {
        return null;
    }
}
