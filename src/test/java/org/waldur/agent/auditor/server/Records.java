package org.waldur.agent.auditor.server;

import com.fasterxml.jackson.databind.MappingIterator;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.record.Score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test records and the parsing of a GET /records body (concatenated JSON objects), as AUDITOR's clients read it. */
final class Records {
    private Records() {
    }

    static Record simple(String id, Instant start, Instant stop) {
        return Record.of(id, Map.of("site_id", List.of("site_A")),
                List.of(new Component("cpu", 8, List.of(new Score("HEPSPEC06", 10.0)))), start, stop);
    }

    static String json(Object o) {
        try {
            return RecordJson.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of a GET /records body, read as serde_json's stream reader does. */
    static List<Record> parse(String body) {
        try (MappingIterator<Record> it = RecordJson.MAPPER.readerFor(Record.class).readValues(body)) {
            return it.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
