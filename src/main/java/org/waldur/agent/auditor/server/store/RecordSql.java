package org.waldur.agent.auditor.server.store;

import org.waldur.agent.auditor.server.query.Cursor;
import org.waldur.agent.auditor.server.query.RecordQuery;
import org.waldur.agent.auditor.server.validation.Timestamps;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed {@link RecordQuery} into one parameterised SELECT: every value a {@code ?} parameter, every
 * column and operator from a closed enum, so nothing a client sends becomes SQL text.
 *
 * <p>Differences from AUDITOR's SQL (reference §2.3, §6): a component filter matches any component of that name
 * (AUDITOR looks only at the first one, so a filter on a second component never matches), compared as bigint
 * (AUDITOR's int4 cast fails above 2^31−1); rows are ordered by the sort column and then record_id, so the
 * order is total and a keyset cursor can continue it.
 */
public final class RecordSql {
    static final String COLUMNS = "record_id, meta::text, components::text, start_time, stop_time, runtime";

    private RecordSql() {
    }

    /** SQL text and its parameters in order. */
    public record Statement(String sql, List<Object> params) {
    }

    /** The rows of the query, ordered and limited. */
    public static Statement select(RecordQuery q) {
        return build(q, COLUMNS, null);
    }

    /** The sort value and record_id of the row that ends a page of {@code limit} rows, and of the row after it. */
    public static Statement pageEnd(RecordQuery q) {
        return build(q, q.sortBy().column + ", record_id", " OFFSET " + (q.limit() - 1) + " LIMIT 2");
    }

    private static Statement build(RecordQuery q, String columns, String tail) {
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM auditor_accounting WHERE true");
        List<Object> params = new ArrayList<>();
        if (q.recordId() != null) {
            sql.append(" AND record_id = ?");
            params.add(q.recordId());
        }
        for (RecordQuery.Compare<OffsetDateTime> c : q.startTime()) {
            sql.append(" AND start_time ").append(c.op().sql).append(" ?");
            params.add(c.value());
        }
        for (RecordQuery.Compare<OffsetDateTime> c : q.stopTime()) {
            sql.append(" AND stop_time ").append(c.op().sql).append(" ?");
            params.add(c.value());
        }
        for (RecordQuery.Compare<Long> c : q.runtime()) {
            sql.append(" AND runtime ").append(c.op().sql).append(" ?");
            params.add(c.value());
        }
        for (RecordQuery.MetaFilter m : q.meta()) {
            // AUDITOR: meta -> key @> ["value"]; a row without the key is SQL NULL, so it is excluded either way
            sql.append(m.contains() ? " AND (meta -> ? @> jsonb_build_array(?::text))"
                    : " AND NOT (meta -> ? @> jsonb_build_array(?::text))");
            params.add(m.key());
            params.add(m.value());
        }
        for (RecordQuery.ComponentFilter c : q.components()) {
            sql.append(" AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(components)")
                    .append(" WHEN 'array' THEN components ELSE '[]'::jsonb END) AS c")
                    .append(" WHERE c ->> 'name' = ? AND (c ->> 'amount')::numeric ").append(c.op().sql)
                    .append(" ?)");
            params.add(c.name());
            params.add(c.amount());
        }
        Cursor after = q.cursor();
        if (after != null && !after.isFirst()) {
            keyset(sql, params, q.sortBy(), q.descending(), after);
        }
        String dir = q.descending() ? " DESC" : " ASC";
        sql.append(" ORDER BY ").append(q.sortBy().column).append(dir);
        if (q.sortBy() != RecordQuery.SortColumn.RECORD_ID) {
            sql.append(", record_id").append(dir);
        }
        if (tail != null) {
            sql.append(tail);
        } else if (q.limit() != null) {
            sql.append(" LIMIT ?");
            params.add(q.limit());
        }
        return new Statement(sql.toString(), params);
    }

    /**
     * Rows strictly after {@code key} in the order (col dir, record_id dir), with PostgreSQL's NULL placement:
     * NULLs last ascending, first descending.
     */
    static void keyset(StringBuilder sql, List<Object> params, RecordQuery.SortColumn column, boolean desc,
                       Cursor key) {
        String col = column.column;
        String after = desc ? "<" : ">";
        if (column == RecordQuery.SortColumn.RECORD_ID) {
            sql.append(" AND record_id ").append(after).append(" ?");
            params.add(key.recordId());
            return;
        }
        Object v = key.value() == null ? null : value(column, key.value());
        if (v == null) {
            // ascending: NULLs come last, so only NULL rows with a later record_id follow
            sql.append(desc ? " AND (" + col + " IS NOT NULL OR record_id < ?)" : " AND (" + col + " IS NULL AND record_id > ?)");
            params.add(key.recordId());
        } else {
            sql.append(" AND (").append(col).append(' ').append(after).append(" ?")
                    .append(" OR (").append(col).append(" = ? AND record_id ").append(after).append(" ?)")
                    .append(desc ? ")" : " OR " + col + " IS NULL)");
            params.add(v);
            params.add(v);
            params.add(key.recordId());
        }
    }

    private static Object value(RecordQuery.SortColumn column, String text) {
        return switch (column) {
            case RUNTIME -> Long.parseLong(text);
            case START_TIME, STOP_TIME -> {
                OffsetDateTime t = Timestamps.parse(text);
                if (t == null) {
                    throw new org.waldur.agent.auditor.server.query.BadQuery("cursor: not a cursor this server handed out");
                }
                yield t;
            }
            case RECORD_ID -> text;
        };
    }
}
