package org.waldur.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.collector.FakeAuditor;
import org.waldur.agent.auditor.collector.Outbox;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.server.RunningServer;
import org.waldur.agent.auditor.server.StoreKind;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUDITOR's test_slurm_collector.sh on the real SLURM sandbox (partitions part1/part2,
 * AccountingStoreFlags=job_comment), with AUDITOR's own collector_config.yaml: a part1 job with a JSON
 * {@code --comment} → site SiteA, HEPSPEC06 1.1, meta voms/subject; part2 jobs (here an array of two) → SiteB,
 * 1.2; plus a job cancelled before it started, which must not become a record. The suite's jobs run under an
 * account of its own and the job filter keeps every other engineer's jobs out.
 */
class AuditorCollectorSlurmIT {
    final String account = "aucol_" + UUID.randomUUID().toString().substring(0, 8);
    FakeAuditor server;
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        CollectorProcess.requireSlurm();
        RealSlurm.sacctmgr("add", "account", account, "description=auditor collector IT", "organization=aucol");
        RealSlurm.sacctmgr("add", "user", "alice", "account=" + account);
        server = FakeAuditor.start();
        dir = Files.createTempDirectory("aucol");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
            RealSlurm.run(List.of("scancel", "-A", account), null);
            RealSlurm.sacctmgr("remove", "user", "where", "name=alice", "and", "account=" + account);
            RealSlurm.sacctmgr("remove", "account", "where", "name=" + account);
        }
    }

    static String config(int port, String prefix, String account, Instant earliest, Path db) {
        return """
                addr: "127.0.0.1"
                port: %d
                record_prefix: "%s"
                earliest_datetime: "%s"
                database_path: "sqlite://%s"
                job_filter:
                  status: [completed, cancelled]
                  account: [%s]
                sacct_frequency: 1
                sender_frequency: 1
                sites:
                  - name: "SiteA"
                    only_if: {key: "Partition", matches: "^part1$"}
                  - name: "SiteB"
                    only_if: {key: "Partition", matches: "^part2$"}
                meta:
                  - name: Comment
                    key: "Comment"
                    key_type: Json
                    key_allow_empty: true
                components:
                  - name: "Cores"
                    key: "NCPUS"
                    scores:
                      - {name: "HEPSPEC06", value: 1.1, only_if: {key: "Partition", matches: "^part1$"}}
                      - {name: "HEPSPEC06", value: 1.2, only_if: {key: "Partition", matches: "^part2$"}}
                  - name: "SystemCPU"
                    key: "SystemCPU"
                    key_type: Time
                    only_if: {key: "Partition", matches: "^part1$"}
                  - name: "Memory"
                    key: "ReqMem"
                    key_type: IntegerMega
                tls_config:
                  use_tls: false
                """.formatted(port, prefix, earliest, db, account);
    }

    @Test
    void jobsInTwoPartitionsBecomeAuditorsExpectedRecords() throws Exception {
        Path cfg = dir.resolve("collector.yaml");
        Files.writeString(cfg, config(server.port(), "slurm", account, Instant.now().minus(1, ChronoUnit.MINUTES),
                dir.resolve("outbox.db")));
        String batch = dir.resolve("batch.sh").toString();
        Files.writeString(Path.of(batch), "#!/bin/bash\nsleep 1\n");
        Path.of(batch).toFile().setExecutable(true, false);
        dir.toFile().setExecutable(true, false);
        try (CollectorProcess collector = CollectorProcess.start(cfg, Map.of())) {
            String one = Jobs.submit("alice", account, "-p", "part1", "--mem=10M",
                    "--comment={ 'voms': '/atlas/Role=production', 'subject': '/some/thing' }", batch);
            String array = Jobs.submit("alice", account, "-p", "part2", "--mem=20M", "--array=1-2", batch);
            String never = Jobs.submit("alice", account, "-p", "part1", "--begin=now+1hour", batch);
            RealSlurm.run(List.of("scancel", never), null);
            Jobs.waitFinished(one);
            Jobs.waitFinished(array + "_1");
            Jobs.waitFinished(array + "_2");
            long t0 = System.currentTimeMillis();
            while (server.records().size() < 3 && System.currentTimeMillis() - t0 < 60_000) {
                Thread.sleep(200);
            }
            Thread.sleep(2500); // a few more polls: nothing else may arrive
            assertEquals(java.util.Set.of("slurm-" + array + "_1", "slurm-" + array + "_2", "slurm-" + one),
                    server.records().keySet(), collector.output());

            JsonNode r1 = server.record("slurm-" + one);
            assertEquals("SiteA", r1.at("/meta/site_id/0").asText());
            assertEquals("/atlas/Role=production", r1.at("/meta/voms/0").asText());
            assertEquals("/some/thing", r1.at("/meta/subject/0").asText());
            assertEquals("alice", r1.at("/meta/user_id/0").asText());
            assertEquals("Cores", r1.at("/components/0/name").asText());
            assertEquals(1, r1.at("/components/0/amount").asLong());
            assertEquals(1.1, r1.at("/components/0/scores/0/value").asDouble());
            assertEquals(1, r1.at("/components/0/scores").size());
            assertEquals("SystemCPU", r1.at("/components/1/name").asText());
            assertEquals("Memory", r1.at("/components/2/name").asText());
            assertEquals(10, r1.at("/components/2/amount").asLong());
            assertTrue(r1.at("/start_time").asText().endsWith("Z"));
            String sacctStart = RealSlurm.run(List.of("env", "TZ=UTC", "sacct", "-X", "-n", "-P", "-j", one,
                    "--format=Start,End"), null).out().strip();
            assertEquals(sacctStart, r1.at("/start_time").asText().replace("Z", "") + "|"
                    + r1.at("/stop_time").asText().replace("Z", ""), "times are SLURM's, in UTC");

            for (String task : List.of(array + "_1", array + "_2")) {
                JsonNode r = server.record("slurm-" + task);
                assertEquals("SiteB", r.at("/meta/site_id/0").asText());
                assertEquals(1.2, r.at("/components/0/scores/0/value").asDouble());
                assertEquals(List.of("Cores", "Memory"), List.of(r.at("/components/0/name").asText(),
                        r.at("/components/1/name").asText()), "SystemCPU is for part1 only");
                assertEquals(2, r.at("/components").size());
                assertTrue(r.at("/meta/voms").isMissingNode());
            }
            assertNull(server.record("slurm-" + never), "a job cancelled before it started is no record");
            int rc = collector.stop();
            assertTrue(rc == 0 || rc == 143, "SIGTERM: a clean stop (143 = by the signal, after the shutdown hook) " + rc);
            assertTrue(collector.output().contains("auditor-slurm-collector: stopped; 0 record(s) wait in the outbox"),
                    "Camel's graceful shutdown ran to its end:\n" + collector.output());
        }
        try (Outbox o = new Outbox(dir.resolve("outbox.db"))) {
            assertEquals(0, o.pending());
            assertEquals(0, o.deadLetters(), o.deadLetterList().toString());
        }
        assertFalse(server.duplicatesPosted() > 0, "each record was posted once");

        // The same jobs end to end into our own record server: a second collector (its own outbox, the same
        // window) reads sacct again and delivers to the shipped server routes on an embedded store; what GET
        // /record/{id} returns must be what the collector built above.
        List<String> ids = List.copyOf(server.records().keySet());
        Path cfg2 = dir.resolve("collector-ours.yaml");
        try (RunningServer ours = RunningServer.start(StoreKind.embeddedAt(dir.resolve("store")), false)) {
            Files.writeString(cfg2, config(ours.port, "slurm", account, Instant.now().minus(10, ChronoUnit.MINUTES),
                    dir.resolve("outbox-ours.db")));
            try (CollectorProcess collector = CollectorProcess.start(cfg2, Map.of())) {
                long t0 = System.currentTimeMillis();
                while (storedCount(ours) < ids.size() && System.currentTimeMillis() - t0 < 60_000) {
                    Thread.sleep(200);
                }
                assertEquals(ids.size(), storedCount(ours), collector.output());
            }
            for (String id : ids) {
                HttpResponse<String> got = ours.get("/record/" + id);
                assertEquals(200, got.statusCode(), got.body());
                JsonNode stored = RecordJson.MAPPER.readTree(got.body());
                JsonNode built = server.record(id);
                assertEquals(built.get("meta"), stored.get("meta"), id);
                assertEquals(built.get("components"), stored.get("components"), id);
                assertEquals(Instant.parse(built.get("start_time").asText()),
                        Instant.parse(stored.get("start_time").asText()), id);
                assertEquals(Instant.parse(built.get("stop_time").asText()),
                        Instant.parse(stored.get("stop_time").asText()), id);
            }
        }
    }

    /** How many records GET /records streams back (AUDITOR's body: concatenated JSON objects). */
    private static int storedCount(RunningServer ours) throws IOException {
        HttpResponse<String> all = ours.get("/records");
        int n = 0;
        try (MappingIterator<JsonNode> it = RecordJson.MAPPER.readerFor(JsonNode.class).readValues(all.body())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
