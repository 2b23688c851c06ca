package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.record.Record;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code ignore_record_exists_error: true}: a duplicate is answered 200 with AUDITOR's JSON warning instead of
 * 500 RECORD_EXISTS — and, unlike AUDITOR, the new records of a batch with duplicates are still stored.
 */
class AuditorIgnoreRecordExistsTest {
    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(StoreKind.EMBEDDED, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void duplicatesAre200WithAWarningAndNewRecordsAreKept() {
        String old = Records.json(Records.simple("old", AuditorApiContract.T0, null));
        assertEquals(200, server.post("/record", old).statusCode());
        var again = server.post("/record", old);
        assertEquals(200, again.statusCode());
        assertEquals("{\"warning\":\"Record already exists, but the error was ignored due to AUDITOR configuration.\"}",
                again.body());

        var none = server.post("/records", "[" + old + "]");
        assertEquals(200, none.statusCode());
        assertEquals("{\"warning\":\"One or more records already exist, but the error was ignored due to AUDITOR "
                + "configuration.\"}", none.body());

        var some = server.post("/records", "[" + old + "," + Records.json(Records.simple("new", AuditorApiContract.T0, null)) + "]");
        assertEquals(200, some.statusCode());
        assertEquals("{\"inserted\":1,\"duplicates\":1}", some.body());
        assertEquals(List.of("new", "old"), Records.parse(server.get("/records?sort_by[asc]=record_id").body())
                .stream().map(Record::recordId).toList());
    }
}
