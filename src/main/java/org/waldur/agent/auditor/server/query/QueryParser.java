package org.waldur.agent.auditor.server.query;

import org.waldur.agent.auditor.server.validation.Names;
import org.waldur.agent.auditor.server.validation.Timestamps;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the raw query string of {@code GET /records} with AUDITOR's grammar (serde_qs strict mode on
 * AUDITOR's {@code Filters}; ../shared/reference/auditor.md §2.3) — every form AUDITOR's clients send parses to
 * the same filters — and is lenient where that is harmless:
 * <ul>
 *   <li>percent-encoded brackets are decoded before parsing; a meta value needs no {@code [i]} index;</li>
 *   <li>{@code start_time[equals]} / {@code stop_time[equals]} filter by equality (AUDITOR ignores them and
 *       returns everything);</li>
 *   <li>{@code gt} with {@code gte} (or {@code lt} with {@code lte}) on one field is a 400 (AUDITOR silently drops
 *       all of that field's conditions);</li>
 *   <li>meta keys and component names may start with a digit (serde_qs takes them for list indexes → 400).</li>
 * </ul>
 * Unknown keys, bad operators, bad values and repeated keys stay 400: clients rely on that to catch typos.
 */
public final class QueryParser {
    private static final List<String> FIELDS =
            List.of("record_id", "start_time", "stop_time", "runtime", "meta", "component", "sort_by", "limit", "cursor");
    private static final Pattern KEY = Pattern.compile("([A-Za-z_]+)((?:\\[[^\\[\\]]*\\])*)");
    private static final Pattern SEGMENT = Pattern.compile("\\[([^\\[\\]]*)\\]");
    private static final Pattern INDEX = Pattern.compile("\\d*");

    private QueryParser() {
    }

    public static RecordQuery parse(String rawQuery) {
        String recordId = null;
        List<RecordQuery.Compare<OffsetDateTime>> start = new ArrayList<>();
        List<RecordQuery.Compare<OffsetDateTime>> stop = new ArrayList<>();
        List<RecordQuery.Compare<Long>> runtime = new ArrayList<>();
        List<RecordQuery.MetaFilter> meta = new ArrayList<>();
        List<RecordQuery.ComponentFilter> components = new ArrayList<>();
        RecordQuery.SortColumn sortBy = null;
        boolean descending = false;
        Long limit = null;
        Cursor cursor = null;
        Set<String> seen = new HashSet<>();

        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                Matcher m = KEY.matcher(key);
                if (!m.matches()) {
                    throw new BadQuery("invalid key `" + key + "`");
                }
                String field = m.group(1);
                List<String> seg = segments(m.group(2));
                if (!FIELDS.contains(field)) {
                    throw new BadQuery("unknown field `" + field + "`, expected one of "
                            + String.join(", ", FIELDS.stream().filter(f -> !f.equals("cursor"))
                            .map(f -> "`" + f + "`").toList()));
                }
                // a list index [] may repeat (serde_qs appends); any other identical key is a duplicate field
                if (!key.endsWith("[]") && !seen.add(key)) {
                    throw new BadQuery("duplicate field `" + key + "`");
                }
                switch (field) {
                    case "record_id" -> {
                        noSegments(field, seg);
                        recordId = value.isEmpty() ? null : value;
                    }
                    case "start_time" -> start.add(new RecordQuery.Compare<>(op(field, seg), time(key, value)));
                    case "stop_time" -> stop.add(new RecordQuery.Compare<>(op(field, seg), time(key, value)));
                    case "runtime" -> runtime.add(new RecordQuery.Compare<>(op(field, seg), unsigned(key, value)));
                    case "meta" -> meta.add(metaFilter(seg, value));
                    case "component" -> components.add(componentFilter(seg, value));
                    case "sort_by" -> {
                        if (sortBy != null) {
                            throw new BadQuery("sort_by: only one of asc and desc may be given");
                        }
                        if (seg.size() != 1 || !(seg.get(0).equals("asc") || seg.get(0).equals("desc"))) {
                            throw new BadQuery("sort_by: expected sort_by[asc]=<column> or sort_by[desc]=<column>");
                        }
                        descending = seg.get(0).equals("desc");
                        sortBy = sortColumn(value);
                    }
                    case "limit" -> {
                        noSegments(field, seg);
                        limit = unsigned(key, value);
                    }
                    case "cursor" -> {
                        noSegments(field, seg);
                        cursor = Cursor.decode(value);
                    }
                    default -> throw new IllegalStateException(field);
                }
            }
        }
        checkRanges("start_time", start);
        checkRanges("stop_time", stop);
        checkRanges("runtime", runtime);
        RecordQuery.SortColumn column = sortBy == null ? RecordQuery.SortColumn.STOP_TIME : sortBy;
        if (cursor != null && !cursor.isFirst()
                && (!cursor.column().equals(column.column) || cursor.descending() != descending)) {
            throw new BadQuery("cursor: it was handed out for another sort_by");
        }
        return new RecordQuery(recordId, List.copyOf(start), List.copyOf(stop), List.copyOf(runtime),
                List.copyOf(meta), List.copyOf(components), column, descending, limit, cursor);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadQuery("invalid percent-encoding in `" + s + "`");
        }
    }

    private static List<String> segments(String brackets) {
        List<String> out = new ArrayList<>();
        Matcher s = SEGMENT.matcher(brackets);
        while (s.find()) {
            out.add(s.group(1));
        }
        return out;
    }

    private static void noSegments(String field, List<String> seg) {
        if (!seg.isEmpty()) {
            throw new BadQuery(field + ": takes a plain value, not " + field + "[…]");
        }
    }

    private static RecordQuery.Op op(String field, List<String> seg) {
        if (seg.size() != 1) {
            throw new BadQuery(field + ": expected " + field + "[gt|lt|gte|lte|equals]=<value>");
        }
        return switch (seg.get(0)) {
            case "gt" -> RecordQuery.Op.GT;
            case "lt" -> RecordQuery.Op.LT;
            case "gte" -> RecordQuery.Op.GTE;
            case "lte" -> RecordQuery.Op.LTE;
            case "equals" -> RecordQuery.Op.EQUALS;
            default -> throw new BadQuery(field + ": unknown variant `" + seg.get(0)
                    + "`, expected one of `gt`, `lt`, `gte`, `lte`, `equals`");
        };
    }

    private static OffsetDateTime time(String key, String value) {
        OffsetDateTime t = Timestamps.parse(value);
        if (t == null) {
            throw new BadQuery(key + ": '" + value + "' is not an RFC 3339 timestamp with offset "
                    + "(a '+' must be sent as %2B)");
        }
        return t;
    }

    private static long unsigned(String key, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new BadQuery(key + ": '" + value + "' is not a whole number ≥ 0");
    }

    private static RecordQuery.MetaFilter metaFilter(List<String> seg, String value) {
        if ((seg.size() == 2 || seg.size() == 3) && (seg.get(1).equals("c") || seg.get(1).equals("dnc"))
                && (seg.size() == 2 || INDEX.matcher(seg.get(2)).matches()) && !seg.get(0).isEmpty()) {
            if (!Names.isValid(value)) {
                throw new BadQuery("meta[" + seg.get(0) + "]: '" + value + "' is not a valid name");
            }
            return new RecordQuery.MetaFilter(seg.get(0), seg.get(1).equals("c"), value);
        }
        throw new BadQuery("meta: expected meta[<key>][c|dnc][<index>]=<value>");
    }

    private static RecordQuery.ComponentFilter componentFilter(List<String> seg, String value) {
        if (seg.size() != 2 || seg.get(0).isEmpty()) {
            throw new BadQuery("component: expected component[<name>][gt|lt|gte|lte|equals]=<amount>");
        }
        RecordQuery.Op op = op("component[" + seg.get(0) + "]", seg.subList(1, 2));
        try {
            return new RecordQuery.ComponentFilter(seg.get(0), op, Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new BadQuery("component[" + seg.get(0) + "]: '" + value + "' is not a whole number");
        }
    }

    private static RecordQuery.SortColumn sortColumn(String value) {
        for (RecordQuery.SortColumn c : RecordQuery.SortColumn.values()) {
            if (c.column.equals(value.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new BadQuery("sort_by: unknown variant `" + value
                + "`, expected one of `start_time`, `stop_time`, `runtime`, `record_id`");
    }

    private static void checkRanges(String field, List<? extends RecordQuery.Compare<?>> compares) {
        Set<RecordQuery.Op> ops = new HashSet<>();
        for (RecordQuery.Compare<?> c : compares) {
            ops.add(c.op());
        }
        if (ops.contains(RecordQuery.Op.GT) && ops.contains(RecordQuery.Op.GTE)
                || ops.contains(RecordQuery.Op.LT) && ops.contains(RecordQuery.Op.LTE)) {
            throw new BadQuery(field + ": give gt or gte (and lt or lte), not both");
        }
    }
}
