package org.waldur.agent.auditor.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads the body of AUDITOR's {@code GET /records} one record at a time (auditor.md §2.2): objects written back
 * to back ({@code {..}{..}}), separated by newlines, or — from other servers — one JSON array. Memory stays
 * constant whatever the number of records. A body cut off mid-record is an error, not a shorter result.
 */
public final class RecordStream {
    private static final ObjectReader READER = RecordJson.MAPPER.readerFor(Record.class);

    private RecordStream() {
    }

    /** Hands every record to {@code sink}; returns how many there were. */
    public static long read(InputStream body, Consumer<Record> sink) throws IOException {
        long n = 0;
        try (JsonParser p = RecordJson.MAPPER.getFactory().createParser(body)) {
            JsonToken t = p.nextToken();
            boolean array = t == JsonToken.START_ARRAY;
            if (array) {
                t = p.nextToken();
            }
            while (t != null && !(array && t == JsonToken.END_ARRAY)) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IOException("expected a record object at " + p.currentLocation() + ", got " + t);
                }
                sink.accept(READER.readValue(p));
                n++;
                t = p.nextToken();
            }
            if (array && p.nextToken() != null) {
                throw new IOException("unexpected content after the records array");
            }
        }
        return n;
    }
}
