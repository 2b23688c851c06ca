package org.waldur.agent.auditor.server.store;

import com.fasterxml.jackson.core.JsonGenerator;
import org.waldur.agent.auditor.record.RecordJson;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * Writes a row of {@link RecordSql#COLUMNS} as AUDITOR's {@code Record} JSON (field order record_id, meta,
 * components, start_time, stop_time, runtime; times UTC with only the fraction digits needed, as
 * {@code Instant.toString()}). meta and components are passed through as PostgreSQL prints the stored JSONB:
 * no parse and re-serialise per row, which is what lets a stream keep up.
 */
final class RecordWriter implements AutoCloseable {
    private final JsonGenerator gen;

    RecordWriter(OutputStream out) throws IOException {
        gen = RecordJson.MAPPER.getFactory().createGenerator(out);
        gen.setRootValueSeparator(null);
    }

    void write(ResultSet rs) throws SQLException, IOException {
        gen.writeStartObject();
        gen.writeStringField("record_id", rs.getString(1));
        raw("meta", rs.getString(2));
        raw("components", rs.getString(3));
        time("start_time", rs.getObject(4, OffsetDateTime.class));
        time("stop_time", rs.getObject(5, OffsetDateTime.class));
        long runtime = rs.getLong(6);
        gen.writeFieldName("runtime");
        if (rs.wasNull()) {
            gen.writeNull();
        } else {
            gen.writeNumber(runtime);
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
    }

    void flush() throws IOException {
        gen.flush();
    }

    private void raw(String field, String json) throws IOException {
        gen.writeFieldName(field);
        if (json == null) {
            gen.writeNull();
        } else {
            gen.writeRawValue(json);
        }
    }

    private void time(String field, OffsetDateTime t) throws IOException {
        gen.writeFieldName(field);
        if (t == null) {
            gen.writeNull();
        } else {
            gen.writeString(t.toInstant().toString());
        }
    }

    @Override
    public void close() throws IOException {
        gen.close();
    }
}
