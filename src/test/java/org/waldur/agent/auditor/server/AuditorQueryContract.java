package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /records: pyauditor's test_advanced_query.py and test_get_since.py (fixture and expected counts: reference
 * §8) with the query strings its serializer sends (§2.3), the grammar's 400s, our keyset cursor, and the abort
 * of a stream the database fails under.
 */
abstract class AuditorQueryContract extends AuditorApiContract {

    /** pyauditor's fixture: 24 records of 2022 (site_A, group_1, comp-1 = 10) and 10 of 2023 (site_B, group_2, comp-2 = 8). */
    private static void pyauditorFixture() {
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            batch.add(Record.of(String.format("record-%02d", i),
                    Map.of("site_id", List.of("site_A"), "group_id", List.of("group_1"), "nodes", List.of("node1", "node2")),
                    List.of(new Component("comp-1", 10, List.of(new Score("HEPSPEC", 1.0)))),
                    Instant.parse(String.format("2022-08-08T%02d:00:00Z", i)),
                    Instant.parse(String.format("2022-08-09T%02d:00:00Z", i))));
        }
        for (int i = 0; i < 10; i++) {
            batch.add(Record.of(String.format("record2-%02d", i),
                    Map.of("site_id", List.of("site_B"), "group_id", List.of("group_2"), "nodes", List.of("node1", "node2")),
                    List.of(new Component("comp-2", 8, List.of(new Score("HEPSPEC", 1.0)))),
                    Instant.parse(String.format("2023-08-08T%02d:00:00Z", i)),
                    Instant.parse(String.format("2023-08-09T%02d:00:00Z", i))));
        }
        // pyauditor adds them one by one
        for (Record r : batch) {
            assertEquals(200, server.post("/record", Records.json(r)).statusCode());
        }
    }

    private static List<Record> query(String q) {
        HttpResponse<String> r = server.get("/records?" + q);
        assertEquals(200, r.statusCode(), q + " → " + r.body());
        return Records.parse(r.body());
    }

    @Test
    void pyauditorAdvancedQueries() {
        pyauditorFixture();
        assertEquals(34, query("").size());
        assertEquals(22, query("start_time[gt]=2022-08-08T11%3A30%3A00%2B00%3A00").size());
        assertEquals(22, query("start_time[gt]=2022-08-08T11%3A30%3A00%2B00%3A00"
                + "&stop_time[gt]=2022-08-09T11%3A30%3A00%2B00%3A00").size());
        assertEquals(4, query("start_time[gt]=2022-08-08T11%3A30%3A00%2B00%3A00"
                + "&start_time[lt]=2022-08-08T15%3A30%3A00%2B00%3A00").size());

        List<Record> group1 = query("meta[group_id][c][0]=group_1");
        assertEquals(24, group1.size());
        assertEquals(List.of("group_1"), group1.get(0).metaValues("group_id"));
        assertEquals(10, query("meta[group_id][c][0]=group_2").size());
        assertEquals(0, query("meta[group_id][c][0]=placeholder").size());

        List<Record> comp1 = query("component[comp-1][equals]=10");
        assertEquals(24, comp1.size());
        Component c = comp1.get(0).components().get(0);
        assertEquals("comp-1", c.name());
        assertEquals(10, c.amount());
        assertEquals(new Score("HEPSPEC", 1.0), c.scores().get(0));
        assertEquals(10, query("component[comp-2][equals]=8").size());
        assertEquals(0, query("component[placeholder][equals]=8").size());

        List<Record> desc = query("sort_by[desc]=start_time");
        assertEquals(34, desc.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(String.format("record2-%02d", 9 - i), desc.get(i).recordId());
        }
        assertEquals(4, query("limit=4").size());
        assertEquals(List.of("record-03"), query("record_id=record-03").stream().map(Record::recordId).toList());
        // get_started_since / get_stopped_since
        assertEquals(22, query("start_time[gte]=2022-08-08T11%3A30%3A00%2B00%3A00").size());
        assertEquals(12 + 10, query("stop_time[gte]=2022-08-09T11%3A30%3A00-00%3A00").size());
    }

    @Test
    void operatorsDoNotContainAndRuntime() {
        pyauditorFixture();
        assertEquals(24, query("meta[group_id][dnc][0]=group_2").size());
        assertEquals(0, query("meta[nodes][c][0]=node1&meta[nodes][dnc][1]=node2").size());
        assertEquals(34, query("meta[nodes][c][]=node1&meta[nodes][c][]=node2").size(), "several values: contains all");
        assertEquals(0, query("meta[nodes][c][0]=node1&meta[nodes][c][1]=node3").size());
        assertEquals(0, query("meta[absent][dnc][0]=x").size(), "rows without the key are excluded, as in AUDITOR");
        assertEquals(34, query("runtime[equals]=86400").size());
        assertEquals(0, query("runtime[gt]=86400").size());
        assertEquals(34, query("runtime[gte]=86400&runtime[lte]=86400").size());
        assertEquals(List.of("record-00", "record-01"),
                query("sort_by[asc]=record_id&limit=2").stream().map(Record::recordId).toList());
        assertEquals(1, query("start_time[equals]=2022-08-08T03%3A00%3A00Z").size(), "equals on a time is equality");
        assertEquals(34, query("record_id=").size(), "an empty record_id is no filter");
        assertEquals(24, query("meta[group_id][c]=group_1").size(), "the documented short form is accepted");
        assertEquals(24, query("meta%5Bgroup_id%5D%5Bc%5D%5B0%5D=group_1").size(), "encoded brackets are accepted");
    }

    @Test
    void aComponentFilterLooksAtEveryComponentNotOnlyTheFirst() {
        Record two = Record.of("two", null, List.of(new Component("cpu", 4, List.of()), new Component("gpu", 2, List.of())),
                AuditorApiContract.T0, null);
        assertEquals(200, server.post("/record", Records.json(two)).statusCode());
        assertEquals(1, query("component[gpu][gte]=2").size());
        assertEquals(1, query("component[cpu][equals]=4&component[gpu][equals]=2").size());
        assertEquals(0, query("component[gpu][gt]=3000000000").size(), "no int4 overflow");
    }

    @Test
    void grammarErrorsAre400WithAJsonError() {
        for (String q : List.of("foo=1", "start_time[gt]=2022-08-08T11:30:00+00:00", "start_time[after]=2022-08-08T11%3A30%3A00Z",
                "start_time[gt]=2022-08-08T11%3A30%3A00Z&start_time[gte]=2022-08-08T11%3A30%3A00Z",
                "limit=-1", "limit=x", "sort_by[asc]=colour", "runtime[gt]=-5", "record_id=a&record_id=b",
                "meta[site][has][0]=x", "component[cpu][equals]=many", "cursor=garbage")) {
            HttpResponse<String> r = server.get("/records?" + q);
            assertEquals(400, r.statusCode(), q);
            assertTrue(r.body().startsWith("{\"error\":\""), q + " → " + r.body());
        }
    }

    /** Our extension: cursor= pages through a result in order, each record once, whatever is inserted meanwhile. */
    @Test
    void aCursorPagesThroughEveryRecordOnceEvenWithInsertsBetweenPages() {
        for (boolean desc : List.of(false, true)) {
            server.clear();
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                // pairs share a stop time (ties broken by record_id); two have none (NULLs last ascending)
                Instant stop = i >= 23 ? null : AuditorApiContract.T0.plusSeconds(1000 + i / 2);
                batch.add(Records.simple(String.format("p-%02d", i), AuditorApiContract.T0, stop));
            }
            server.post("/records", Records.json(batch));
            List<String> expected = Records.parse(server.get("/records" + (desc ? "?sort_by[desc]=stop_time" : ""))
                    .body()).stream().map(Record::recordId).toList();

            List<String> seen = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            while (cursor != null) {
                HttpResponse<String> page = server.get("/records?limit=10&cursor=" + cursor
                        + (desc ? "&sort_by[desc]=stop_time" : ""));
                assertEquals(200, page.statusCode(), page.body());
                seen.addAll(Records.parse(page.body()).stream().map(Record::recordId).toList());
                cursor = page.headers().firstValue("Auditor-Next-Cursor").orElse(null);
                if (pages++ == 0) {
                    // a record that sorts at the very start: already passed, so not in later pages
                    server.post("/record", Records.json(Records.simple("p-early", AuditorApiContract.T0,
                            desc ? AuditorApiContract.T0.plusSeconds(5000) : AuditorApiContract.T0)));
                }
            }
            assertEquals(3, pages);
            assertEquals(expected, seen, desc ? "descending" : "ascending");
        }
    }

    @Test
    void theLastPageHasNoNextCursor() {
        server.post("/records", Records.json(List.of(Records.simple("only", AuditorApiContract.T0, null))));
        HttpResponse<String> page = server.get("/records?limit=10&cursor=");
        assertEquals(1, Records.parse(page.body()).size());
        assertNull(page.headers().firstValue("Auditor-Next-Cursor").orElse(null));
        HttpResponse<String> exact = server.get("/records?limit=1&cursor=");
        assertNull(exact.headers().firstValue("Auditor-Next-Cursor").orElse(null), "exactly one page");
    }

    /** AUDITOR ends a stream the database fails under as a normal 200 (a truncated result); we abort the transfer. */
    @Test
    void aDatabaseErrorMidStreamAbortsTheResponse() throws Exception {
        int total = 60_000;
        for (int b = 0; b < total / 10_000; b++) {
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                batch.add(Records.simple("abort-" + b + "-" + i, AuditorApiContract.T0, AuditorApiContract.T0.plusSeconds(i)));
            }
            assertEquals(200, server.post("/records", Records.json(batch)).statusCode());
        }
        HttpResponse<InputStream> r = server.http.send(HttpRequest.newBuilder(server.uri("/records")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        InputStream body = r.body();
        byte[] first = body.readNBytes(4096);
        assertEquals(4096, first.length);
        server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                + "AND application_name = 'waldur-camel-agent auditor' AND query LIKE 'SELECT record_id, meta::text%'");
        IOException broken = assertThrows(IOException.class, () -> {
            byte[] buf = new byte[65536];
            long n = 0;
            int k;
            while ((k = body.read(buf)) >= 0) {
                n += k;
            }
            // reached only if the stream ended normally: count what came, for the message
            throw new AssertionError("the stream ended normally after " + n + " more bytes");
        });
        assertNotNull(broken);
        assertEquals(200, server.get("/health_check").statusCode(), "the pool recovers");
        Set<String> ids = new HashSet<>();
        Records.parse(server.get("/records?limit=5").body()).forEach(x -> ids.add(x.recordId()));
        assertEquals(5, ids.size());
    }
}
