package org.waldur.agent.auditor.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.server.query.Cursor;
import org.waldur.agent.auditor.server.query.RecordQuery;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AUDITOR record table ({@code auditor_accounting}, reference §1.4) behind the record server: inserts,
 * the stop-time update, single reads and streamed queries. Plain JDBC on the pool; knows nothing of HTTP.
 */
public final class RecordStore {
    /** Rows fetched per round trip while streaming: memory stays bounded whatever the result size. */
    static final int FETCH_SIZE = 1000;

    private static final String INSERT_MANY = """
            INSERT INTO auditor_accounting (record_id, meta, components, start_time, stop_time, runtime, updated_at)
            SELECT r, m::jsonb, c::jsonb, s::timestamptz, e::timestamptz, rt, now()
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
                 AS t(r, m, c, s, e, rt)
            ON CONFLICT (record_id) DO NOTHING""";

    private final DataSource dataSource;

    public RecordStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True when a connection can be had and answers: what {@code /health_check} reports. */
    public boolean healthy() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.setQueryTimeout(5);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Inserts the records that are not stored yet, in one statement and one transaction; a record_id already
     * stored (or twice in the batch) is skipped, never an error.
     *
     * @return how many of them were new
     */
    public int insert(List<Record> records) throws SQLException {
        if (records.isEmpty()) {
            return 0;
        }
        int n = records.size();
        String[] ids = new String[n];
        String[] metas = new String[n];
        String[] components = new String[n];
        String[] starts = new String[n];
        String[] stops = new String[n];
        Long[] runtimes = new Long[n];
        try {
            for (int i = 0; i < n; i++) {
                Record r = records.get(i);
                ids[i] = r.recordId();
                metas[i] = RecordJson.MAPPER.writeValueAsString(r.meta());
                components[i] = RecordJson.MAPPER.writeValueAsString(r.components());
                starts[i] = r.startTime().toString();
                stops[i] = r.stopTime() == null ? null : r.stopTime().toString();
                runtimes[i] = r.runtime();
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_MANY)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", metas));
            ps.setArray(3, c.createArrayOf("text", components));
            ps.setArray(4, c.createArrayOf("text", starts));
            ps.setArray(5, c.createArrayOf("text", stops));
            ps.setArray(6, c.createArrayOf("int8", runtimes));
            return ps.executeUpdate();
        }
    }

    /**
     * Sets the stop time of a stored record and recomputes its runtime from the stored start time, truncated
     * toward zero as AUDITOR does.
     *
     * @return false when no record has that id
     */
    public boolean updateStopTime(String recordId, Instant stop) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE auditor_accounting
                SET stop_time = ?, runtime = trunc(extract(epoch FROM (?::timestamptz - start_time)))::bigint,
                    updated_at = now()
                WHERE record_id = ?""")) {
            OffsetDateTime t = stop.atOffset(ZoneOffset.UTC);
            ps.setObject(1, t);
            ps.setObject(2, t);
            ps.setString(3, recordId);
            return ps.executeUpdate() > 0;
        }
    }

    /** The record as AUDITOR prints it, or empty when no record has that id. */
    public Optional<byte[]> find(String recordId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + RecordSql.COLUMNS
                     + " FROM auditor_accounting WHERE record_id = ?")) {
            ps.setString(1, recordId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream(512);
                try (RecordWriter w = new RecordWriter(out)) {
                    w.write(rs);
                }
                return Optional.of(out.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens the query as a stream of records; the first rows are fetched before this returns, so a bad query or
     * a dead database fails here (an HTTP error), not in the middle of a 200. With a cursor, the page end is read
     * in the same snapshot (REPEATABLE READ) as the rows, so the next cursor is exactly the last row sent.
     */
    public RecordStream stream(RecordQuery q) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            String next = null;
            if (q.cursor() != null && q.limit() != null && q.limit() > 0) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                next = pageEnd(c, q);
            }
            RecordSql.Statement s = RecordSql.select(q);
            PreparedStatement ps = c.prepareStatement(s.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(FETCH_SIZE);
            bind(ps, s.params());
            ResultSet rs = ps.executeQuery();
            return new RecordStream(c, ps, rs, next);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } finally {
                c.close();
            }
            throw e;
        }
    }

    private static String pageEnd(Connection c, RecordQuery q) throws SQLException {
        RecordSql.Statement s = RecordSql.pageEnd(q);
        try (PreparedStatement ps = c.prepareStatement(s.sql())) {
            bind(ps, s.params());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String value = switch (q.sortBy()) {
                    case START_TIME, STOP_TIME -> {
                        OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                        yield t == null ? null : t.toInstant().toString();
                    }
                    case RUNTIME -> rs.getObject(1) == null ? null : Long.toString(rs.getLong(1));
                    case RECORD_ID -> rs.getString(1);
                };
                String recordId = rs.getString(2);
                // a second row means there is a page after this one
                return rs.next() ? new Cursor(q.sortBy().column, q.descending(), value, recordId).encode() : null;
            }
        }
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    /** Record counts for the DB gauges: all, and per value of one meta key (each list element counts). */
    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM auditor_accounting");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Map<String, Long> countPerMetaValue(String key) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT v, count(*) FROM auditor_accounting,
                       jsonb_array_elements_text(CASE jsonb_typeof(meta -> ?) WHEN 'array' THEN meta -> ?
                                                 ELSE '[]'::jsonb END) AS v
                GROUP BY v ORDER BY v""")) {
            ps.setString(1, key);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }
}
