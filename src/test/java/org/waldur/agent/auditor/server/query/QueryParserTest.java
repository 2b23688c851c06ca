package org.waldur.agent.auditor.server.query;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query strings AUDITOR's clients send (serde_qs serializer; reference §2.3) and what they mean. */
class QueryParserTest {

    @Test
    void theApelPluginsDailyQuery() {
        RecordQuery q = QueryParser.parse("stop_time[lt]=2026-03-02T00%3A00%3A00%2B00%3A00"
                + "&stop_time[gte]=2026-03-01T00%3A00%3A00%2B00%3A00&runtime[gt]=0&meta[site_id][c][0]=siteA");
        assertEquals(List.of(new RecordQuery.Compare<>(RecordQuery.Op.LT, OffsetDateTime.parse("2026-03-02T00:00:00Z")),
                new RecordQuery.Compare<>(RecordQuery.Op.GTE, OffsetDateTime.parse("2026-03-01T00:00:00Z"))), q.stopTime());
        assertEquals(List.of(new RecordQuery.Compare<>(RecordQuery.Op.GT, 0L)), q.runtime());
        assertEquals(List.of(new RecordQuery.MetaFilter("site_id", true, "siteA")), q.meta());
        assertEquals(RecordQuery.SortColumn.STOP_TIME, q.sortBy(), "AUDITOR's default order");
        assertNull(q.limit());
        assertNull(q.cursor());
    }

    @Test
    void valuesArePercentDecodedAndPlusIsASpace() {
        assertEquals("site/1 job", QueryParser.parse("record_id=site%2F1+job").recordId());
        assertEquals(List.of(new RecordQuery.MetaFilter("user", false, "a b")),
                QueryParser.parse("meta[user][dnc][0]=a+b").meta());
        // a raw + in a time decodes to a space: not a timestamp
        assertThrows(BadQuery.class, () -> QueryParser.parse("start_time[gt]=2022-08-08T11:30:00+00:00"));
    }

    @Test
    void sortLimitAndCursor() {
        RecordQuery q = QueryParser.parse("sort_by[desc]=runtime&limit=4&cursor=");
        assertEquals(RecordQuery.SortColumn.RUNTIME, q.sortBy());
        assertTrue(q.descending());
        assertEquals(4L, q.limit());
        assertTrue(q.cursor().isFirst());
        String other = new Cursor("stop_time", false, null, "r").encode();
        BadQuery e = assertThrows(BadQuery.class, () -> QueryParser.parse("sort_by[desc]=runtime&cursor=" + other));
        assertTrue(e.getMessage().contains("another sort_by"), e.getMessage());
    }

    @Test
    void cursorsRoundTrip() {
        Cursor c = new Cursor("stop_time", true, "2022-08-08T11:30:00.079043Z", "slurm-11_2");
        assertEquals(c, Cursor.decode(c.encode()));
        Cursor nullValue = new Cursor("runtime", false, null, "x");
        assertEquals(nullValue, Cursor.decode(nullValue.encode()));
    }
}
