package org.waldur.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waldur.agent.auditor.collector.Outbox;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.server.RunningServer;
import org.waldur.agent.auditor.server.StoreKind;
import org.waldur.agent.auditor.server.config.ServerSettings;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector crash suite against OUR record server (the shipped routes, the real store), once on the embedded
 * PostgreSQL and once on the external one (examples/postgres-sandbox): the distribution's collector is killed with
 * SIGKILL at random points while 1000 jobs finish over 30 s; meanwhile the record server is stopped for two of the
 * collector's lives (with the embedded store, its PostgreSQL stops with it), and on the external store PostgreSQL
 * goes away under the running server for two more (a {@link TcpOutage}: the sandbox is shared and never stopped).
 * Afterwards GET /records holds exactly one record per job — none lost, none twice — and the outbox is empty with
 * no dead letter. sacct is {@link CollectorBurst}'s stand-in; {@link AuditorCollectorCrashIT} does the same against
 * a fake server that also answers 500 and loses answers after storing.
 *
 * <p>Run under the shared lock: {@code flock /tmp/slurm-it.lock mvn -B -o verify
 * -Dit.test=AuditorCollectorCrashOnOurServerIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AuditorCollectorCrashOnOurServerIT {
    static final int JOBS = 1000;
    static final int SPREAD_SECONDS = 30;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void killedAtRandomWhileTheServerAndPostgresGoAwayEveryJobEndsAsExactlyOneRecord(StoreKind kind) throws Exception {
        // the embedded store in a directory of this suite's own: the shared one's next user would stop it under us
        ServerSettings.Database database = kind == StoreKind.EMBEDDED
                ? StoreKind.embeddedAt(Path.of(System.getProperty("java.io.tmpdir"), "waldur-camel-agent-crash-it"))
                : RunningServer.required(kind);
        TcpOutage pg = null;
        if (!database.embedded()) {
            pg = TcpOutage.start(database.host(), database.port());
            database = new ServerSettings.Database(false, database.path(), database.runAs(), "127.0.0.1", pg.port,
                    database.username(), database.password(), database.databaseName(), database.requireSsl());
        }
        CollectorBurst burst = CollectorBurst.create("ourcrash", JOBS, SPREAD_SECONDS);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        RunningServer server = RunningServer.start(database, false);
        try {
            Path cfg = burst.config(server.port);
            int kills = 0;
            while (Instant.now().getEpochSecond() < burst.lastEnd + 4 || kills < 8) {
                try (CollectorProcess c = CollectorProcess.start(cfg, burst.env())) {
                    if (kills == 2) {
                        server.close();
                        log.add("server stopped");
                    }
                    if (kills == 5 && pg != null) {
                        pg.cut();
                        log.add("PostgreSQL gone");
                    }
                    // mostly while it works (after start-up, whatever the machine's speed), sometimes during start-up
                    boolean early = random.nextInt(5) == 0;
                    if (!early && !c.awaitStarted(120_000)) {
                        throw new AssertionError("the collector did not start:\n" + c.output());
                    }
                    // kill mid-flow: once this life delivered something (or, while nothing can be delivered, a few
                    // polls in), then a random moment later
                    boolean outage = kills >= 2 && kills < 4 || pg != null && kills >= 5 && kills < 7;
                    long before = delivered(burst.db);
                    long waitUntil = System.currentTimeMillis() + (outage ? 2000 + random.nextInt(4000) : 20_000);
                    while (!early && System.currentTimeMillis() < waitUntil && c.process.isAlive()
                            && (outage || progressDue(delivered(burst.db), before))) {
                        Thread.sleep(50);
                    }
                    long life = random.nextInt(early ? 2000 : 1500);
                    Thread.sleep(life);
                    c.kill();
                    kills++;
                    log.add("SIGKILL " + life + " ms after " + (early ? "launch" : outage ? "start" : "progress")
                            + ", " + delivered(burst.db) + " delivered");
                    if (kills == 4) {
                        server = server.restart();
                        log.add("server back");
                    }
                    if (kills == 7 && pg != null) {
                        pg.restore();
                        log.add("PostgreSQL back");
                    }
                }
            }
            long tFinal = System.currentTimeMillis();
            try (CollectorProcess c = CollectorProcess.start(cfg, burst.env())) {
                while ((stored(server) < JOBS || pendingIn(burst.db) != 0) && System.currentTimeMillis() - tFinal < 180_000) {
                    Thread.sleep(250);
                }
                int rc = c.stop();
                assertTrue(rc == 0 || rc == 143, "exit " + rc + "\n" + c.output());
            }
            System.out.printf("crash suite on our server (%s store, seed %d): %s; %d SIGKILLs, last life drained in %.1f s%n",
                    kind, seed, String.join("; ", log), kills, (System.currentTimeMillis() - tFinal) / 1000.0);

            HttpResponse<String> all = server.get("/records");
            assertEquals(200, all.statusCode());
            List<String> ids = new ArrayList<>();
            Map<String, JsonNode> byId = new HashMap<>();
            try (MappingIterator<JsonNode> it = RecordJson.MAPPER.readerFor(JsonNode.class).readValues(all.body())) {
                while (it.hasNext()) {
                    JsonNode r = it.next();
                    ids.add(r.get("record_id").asText());
                    byId.put(r.get("record_id").asText(), r);
                }
            }
            assertEquals(burst.expected, new TreeSet<>(ids), "every job's record, none lost (seed " + seed + ")");
            assertEquals(JOBS, ids.size(), "none twice (seed " + seed + ")");
            JsonNode r = byId.get("ourcrash-50001");
            assertEquals("SiteB", r.at("/meta/site_id/0").asText());
            assertEquals(1.2, r.at("/components/0/scores/0/value").asDouble());
            assertEquals(101, r.at("/components/1/amount").asLong());
        } finally {
            server.close();
            if (pg != null) {
                pg.close();
            }
        }
        try (Outbox o = new Outbox(burst.db)) {
            assertEquals(0, o.pending(), "nothing left in the outbox");
            assertEquals(0, o.deadLetters(), o.deadLetterList().toString());
            assertEquals(JOBS, o.count("collector_delivered"));
        }
    }

    /** Nothing new delivered yet in this life, while something is left to deliver. */
    private static boolean progressDue(long delivered, long before) {
        return delivered <= before && delivered < JOBS;
    }

    static long stored(RunningServer server) {
        try (Connection c = server.server.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM auditor_accounting")) {
            r.next();
            return r.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Records the collector has settled with the server; unknown (busy) as -1. */
    static long delivered(Path db) {
        try (Outbox o = new Outbox(db)) {
            return o.count("collector_delivered");
        } catch (RuntimeException busy) {
            return -1;
        }
    }

    static long pendingIn(Path db) {
        try (Outbox o = new Outbox(db)) {
            return o.pending();
        } catch (RuntimeException busy) {
            return -1;
        }
    }
}
