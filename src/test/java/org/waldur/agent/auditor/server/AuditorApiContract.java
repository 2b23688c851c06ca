package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUDITOR's API tests (auditor/tests/api/{health_check,add,get,get_one_record,update}.rs) and the pyauditor
 * round-trip scripts (test_add_update, test_bulk_insert, test_get_single_record), re-expressed against the real
 * record server; reference ../shared/reference/auditor.md §2.1 and §8 give the expected results. Subclasses pick
 * the store: every assertion holds for the embedded and the external PostgreSQL alike.
 */
abstract class AuditorApiContract {
    static RunningServer server;

    @BeforeEach
    void emptyStore() {
        server.clear();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    static final Instant T0 = Instant.parse("2022-08-08T11:30:00.079043Z");

    @Test
    void healthCheckIs200WithAnEmptyBody() {
        HttpResponse<String> r = server.get("/health_check");
        assertEquals(200, r.statusCode());
        assertEquals("0", r.headers().firstValue("Content-Length").orElse("none"));
        assertEquals("", r.body());
    }

    @Test
    void emptyStoreGivesAnEmptyBody() {
        HttpResponse<String> r = server.get("/records");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("", r.body());
    }

    @Test
    void addedRecordComesBackWithMicrosecondsAndRuntime() {
        Instant stop = Instant.parse("2022-08-08T12:30:00.000001Z");
        Record rec = Record.of("r-1", Map.of("site_id", List.of("site_A"), "nodes", List.of("node1", "node2")),
                List.of(new Component("cpu", 8, List.of(new Score("HEPSPEC06", 10.0), new Score("x", 1.5))),
                        new Component("mem", 20, List.of())), T0, stop);
        HttpResponse<String> add = server.post("/record", Records.json(rec));
        assertEquals(200, add.statusCode());
        assertEquals("", add.body());

        List<Record> all = Records.parse(server.get("/records").body());
        assertEquals(List.of(rec), all);
        assertEquals(3599L, all.get(0).runtime());
        Record one = Records.parse(server.get("/record/r-1").body()).get(0);
        assertEquals(rec, one);
        assertTrue(server.get("/record/r-1").body().contains("\"value\": 10.0"), "scores print as floats");
    }

    @Test
    void recordWithoutMetaOrStopTimeComesBackWithNulls() {
        assertEquals(200, server.post("/record",
                "{\"record_id\":\"r\",\"components\":[],\"start_time\":\"2022-08-08T11:30:00+00:00\",\"runtime\":60}")
                .statusCode());
        String body = server.get("/record/r").body();
        assertEquals("{\"record_id\":\"r\",\"meta\":null,\"components\":[],\"start_time\":\"2022-08-08T11:30:00Z\","
                + "\"stop_time\":null,\"runtime\":null}", body);
    }

    @Test
    void invalidBodiesAre400WithAJsonDeserializeError() {
        String ok = "\"components\":[{\"name\":\"cpu\",\"amount\":1,\"scores\":[]}],\"start_time\":\"2022-08-08T11:30:00Z\"";
        List<String> bad = List.of(
                "{\"record_id\":\"a\",\"start_time\":\"2022-08-08T11:30:00Z\"}",                        // no components
                "{\"record_id\":\"a\",\"components\":null,\"start_time\":\"2022-08-08T11:30:00Z\"}",
                "{\"record_id\":\"\"," + ok + "}",
                "{\"record_id\":\"   \"," + ok + "}",
                "{\"record_id\":\"" + "a".repeat(257) + "\"," + ok + "}",
                "{" + ok + "}",
                "{\"record_id\":\"a\",\"components\":[{\"name\":\"cpu\",\"amount\":-1,\"scores\":[]}],"
                        + "\"start_time\":\"2022-08-08T11:30:00Z\"}",
                "{\"record_id\":\"a\",\"components\":[{\"name\":\"cpu\",\"amount\":1.0,\"scores\":[]}],"
                        + "\"start_time\":\"2022-08-08T11:30:00Z\"}",
                "{\"record_id\":\"a\",\"components\":[{\"name\":\"cpu\",\"amount\":1}],\"start_time\":\"2022-08-08T11:30:00Z\"}",
                "{\"record_id\":\"a\",\"components\":[{\"name\":\"cpu\",\"amount\":1,\"scores\":[{\"name\":\"s\",\"value\":-1}]}],"
                        + "\"start_time\":\"2022-08-08T11:30:00Z\"}",
                "{\"record_id\":\"a\",\"meta\":{\"site\":\"A\"}," + ok + "}",
                "{\"record_id\":\"a\",\"meta\":{\"site\":[\"\"]}," + ok + "}",
                "{\"record_id\":\"a\",\"components\":[],\"start_time\":\"2022-08-08T11:30:00\"}",  // no offset
                "{\"record_id\":\"a\",\"components\":[]}",
                "not json");
        for (String body : bad) {
            HttpResponse<String> r = server.post("/record", body);
            assertEquals(400, r.statusCode(), body);
            assertTrue(r.body().startsWith("Json deserialize error: "), body + " → " + r.body());
        }
        assertEquals("", server.get("/records").body(), "nothing stored");
        assertEquals(200, server.post("/record", "{\"record_id\":\"" + "a".repeat(256) + "\"," + ok + "}").statusCode(),
                "256 characters are allowed");
    }

    @Test
    void bodyMustBeDeclaredJson() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/record"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Records.json(Records.simple("a", T0, null)))).build());
        assertEquals(400, r.statusCode());
        assertEquals("Content type error", r.body());
    }

    @Test
    void duplicateIs500WithExactlyRecordExists() {
        String rec = Records.json(Records.simple("dup", T0, T0.plusSeconds(5)));
        assertEquals(200, server.post("/record", rec).statusCode());
        HttpResponse<String> again = server.post("/record", rec);
        assertEquals(500, again.statusCode());
        assertEquals("RECORD_EXISTS", again.body());
    }

    @Test
    void bulkInsertStoresEveryNewRecord() {
        assertEquals(200, server.post("/records", "[]").statusCode());
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Records.simple("bulk-" + i, T0.plusSeconds(i), T0.plusSeconds(100 + i)));
        }
        HttpResponse<String> r = server.post("/records", Records.json(batch));
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertEquals("5", r.headers().firstValue("Auditor-Inserted").orElse(""));
        assertEquals(batch, Records.parse(server.get("/records").body()));
    }

    /** AUDITOR rolls the whole batch back (and with ignore_record_exists_error drops it silently); we keep the new ones. */
    @Test
    void bulkInsertKeepsTheNewRecordsOfABatchWithDuplicates() {
        assertEquals(200, server.post("/record", Records.json(Records.simple("old", T0, T0.plusSeconds(1)))).statusCode());
        List<Record> batch = List.of(Records.simple("new-1", T0, T0.plusSeconds(2)),
                Records.simple("old", T0, T0.plusSeconds(1)), Records.simple("new-2", T0, T0.plusSeconds(3)),
                Records.simple("new-1", T0, T0.plusSeconds(2)));
        HttpResponse<String> r = server.post("/records", Records.json(batch));
        assertEquals(200, r.statusCode());
        assertEquals("{\"inserted\":2,\"duplicates\":2}", r.body());
        assertEquals(List.of("old", "new-1", "new-2"),
                Records.parse(server.get("/records").body()).stream().map(Record::recordId).toList());

        HttpResponse<String> none = server.post("/records", Records.json(batch.subList(0, 2)));
        assertEquals(500, none.statusCode());
        assertEquals("RECORD_EXISTS", none.body());
        assertEquals("0", none.headers().firstValue("Auditor-Inserted").orElse(""));
    }

    @Test
    void bulkInsertWithOneInvalidRecordStoresNothing() {
        String batch = "[" + Records.json(Records.simple("fine", T0, null))
                + ",{\"record_id\":\"bad\",\"components\":[],\"start_time\":\"yesterday\"}]";
        HttpResponse<String> r = server.post("/records", batch);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Json deserialize error: record 1: "), r.body());
        assertEquals("", server.get("/records").body());
    }

    @Test
    void updateSetsStopTimeAndRecomputesRuntimeFromTheStoredStart() {
        assertEquals(200, server.post("/record", Records.json(Records.simple("u", T0, null))).statusCode());
        Instant stop = Instant.now().truncatedTo(ChronoUnit.MICROS);
        HttpResponse<String> r = server.put("/record",
                "{\"record_id\":\"u\",\"components\":[],\"start_time\":\"1999-01-01T00:00:00Z\",\"stop_time\":\""
                        + stop + "\"}");
        assertEquals(200, r.statusCode());
        Record back = Records.parse(server.get("/record/u").body()).get(0);
        assertEquals(stop, back.stopTime());
        assertEquals(T0, back.startTime(), "start_time of an update is ignored");
        assertEquals(ChronoUnit.SECONDS.between(T0, stop), back.runtime());

        // a stop before the start is stored; the runtime truncates toward zero (-0.5 s → 0, -1.5 s → -1)
        server.put("/record", "{\"record_id\":\"u\",\"components\":[],\"stop_time\":\"2022-08-08T11:30:00Z\"}");
        assertEquals(0L, Records.parse(server.get("/record/u").body()).get(0).runtime());
        server.put("/record", "{\"record_id\":\"u\",\"components\":[],\"stop_time\":\"2022-08-08T11:29:59Z\"}");
        assertEquals(-1L, Records.parse(server.get("/record/u").body()).get(0).runtime());
    }

    @Test
    void updatingAnUnknownRecordIs404() {
        HttpResponse<String> r = server.put("/record",
                "{\"record_id\":\"ghost\",\"components\":[],\"stop_time\":\"2022-08-08T11:30:00Z\"}");
        assertEquals(404, r.statusCode());
        assertEquals("Updating unknown record ghost not possible.", r.body());
        assertEquals(400, server.put("/record", "{\"record_id\":\"ghost\",\"components\":[]}").statusCode());
    }

    @Test
    void singleRecordUnknownIsAnError() {
        HttpResponse<String> r = server.get("/record/nope");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().startsWith("{\"error\":\"A database error was encountered"), r.body());
    }

    @Test
    void singleRecordWithASlashInItsIdIsFoundWhenEncoded() {
        assertEquals(200, server.post("/record", Records.json(Records.simple("site/1 job#2", T0, null))).statusCode());
        HttpResponse<String> r = server.get("/record/site%2F1%20job%232");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("site/1 job#2", Records.parse(r.body()).get(0).recordId());
        assertEquals(1, Records.parse(server.get("/records?record_id=site%2F1+job%232").body()).size());
    }

    @Test
    void recordsStreamOneObjectPerLineOrderedByStopTime() {
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Records.simple("s-" + i, T0, T0.plusSeconds(50 - i)));
        }
        server.post("/records", Records.json(batch));
        String body = server.get("/records").body();
        String[] lines = body.split("\n");
        assertEquals(5, lines.length);
        assertTrue(body.endsWith("}\n"));
        assertEquals(List.of("s-4", "s-3", "s-2", "s-1", "s-0"),
                Records.parse(body).stream().map(Record::recordId).toList());
    }

    @Test
    void unknownPathIsAuditors404() {
        HttpResponse<String> r = server.get("/nothing/here");
        assertEquals(404, r.statusCode());
        assertEquals("The requested resource was not found. 404 Not Found", r.body());
    }

    @Test
    void metricsCountRecordsPerSiteGroupAndUser() throws Exception {
        List<Record> batch = List.of(
                Record.of("m1", Map.of("site", List.of("A"), "group", List.of("g1"), "user", List.of("u1")), List.of(), T0, null),
                Record.of("m2", Map.of("site", List.of("A", "B"), "group", List.of("g1")), List.of(), T0, null),
                Record.of("m3", null, List.of(), T0, null));
        assertEquals(200, server.post("/records", Records.json(batch)).statusCode());
        String text = "";
        for (int i = 0; i < 50 && !text.contains("num_records_database 3\n"); i++) {
            Thread.sleep(200);
            text = server.get("/metrics").body();
        }
        assertTrue(text.contains("num_records_database 3\n"), "AUDITOR prints integers: " + text);
        assertTrue(text.contains("num_records_database_per_site{site=\"A\"} 2\n"), text);
        assertTrue(text.contains("num_records_database_per_site{site=\"B\"} 1\n"), text);
        assertTrue(text.contains("num_records_database_per_group{group_id=\"g1\"} 2\n"), text);
        assertTrue(text.contains("num_records_database_per_user{user_id=\"u1\"} 1\n"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
        assertTrue(text.contains("camel_exchanges_total{") && text.contains("routeId=\"auditor-add-records\""),
                "per-endpoint HTTP exchange counts");
    }
}
