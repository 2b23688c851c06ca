package org.waldur.agent.auditor.server.query;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A parsed {@code GET /records} query (grammar: ../shared/reference/auditor.md §2.3): filters AND-ed together,
 * one sort column, an optional limit, and — our extension — an optional keyset cursor.
 *
 * @param cursor null when the client did not ask for paging; {@link Cursor#FIRST} for the first page
 */
public record RecordQuery(String recordId,
                          List<Compare<OffsetDateTime>> startTime,
                          List<Compare<OffsetDateTime>> stopTime,
                          List<Compare<Long>> runtime,
                          List<MetaFilter> meta,
                          List<ComponentFilter> components,
                          SortColumn sortBy,
                          boolean descending,
                          Long limit,
                          Cursor cursor) {

    public enum Op {
        GT(">"), LT("<"), GTE(">="), LTE("<="), EQUALS("=");

        public final String sql;

        Op(String sql) {
            this.sql = sql;
        }
    }

    public enum SortColumn {
        START_TIME("start_time"), STOP_TIME("stop_time"), RUNTIME("runtime"), RECORD_ID("record_id");

        public final String column;

        SortColumn(String column) {
            this.column = column;
        }
    }

    public record Compare<T>(Op op, T value) {
    }

    /** {@code meta[key][c][i]=value} (contains) or {@code meta[key][dnc][i]=value} (does not contain). */
    public record MetaFilter(String key, boolean contains, String value) {
    }

    /** {@code component[name][op]=amount}: some component of that name whose amount compares so. */
    public record ComponentFilter(String name, Op op, long amount) {
    }
}
