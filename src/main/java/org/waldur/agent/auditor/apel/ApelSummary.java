package org.waldur.agent.auditor.apel;

import org.waldur.agent.auditor.record.Record;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The summary and sync messages of one GOCDB site, built day by day as AUDITOR's APEL plugin builds them
 * (auditor.md §5.3, §5.4), so that the text comes out byte for byte the same:
 * <ul>
 * <li>a day's records are grouped by {@code Site, Month, Year, VO, SubmitHost, Processors} + the optional fields
 *     (config order), the groups of a day ordered as SQLite's GROUP BY orders them (numbers before text,
 *     ascending);</li>
 * <li>a group seen on an earlier day takes the new day's sums and LatestEndTime; new groups go last.</li>
 * </ul>
 * Better than AUDITOR: groups are keyed by the tuple of values (AUDITOR hashes the values concatenated, so
 * {@code atla}+{@code sce} and {@code atlas}+{@code ce} collide); a record id fetched twice in a day (two
 * site meta keys) counts once instead of crashing; a record a field cannot be read from is skipped and counted.
 */
public final class ApelSummary {
    public static final String SUMMARY_HEADER = "APEL-normalised-summary-message: v0.4\n";
    public static final String SYNC_HEADER = "APEL-sync-message: v0.1\n";
    private static final List<String> SUMMARY_ORDER = List.of("Site", "Month", "Year", "GlobalUserName", "VO",
            "VOGroup", "VORole", "SubmitHost", "Infrastructure", "NodeCount", "Processors", "EarliestEndTime",
            "LatestEndTime", "WallDuration", "CpuDuration", "NormalisedWallDuration", "NormalisedCpuDuration",
            "NumberOfJobs");
    private static final List<String> SUMMED = List.of("WallDuration", "CpuDuration", "NormalisedWallDuration",
            "NormalisedCpuDuration", "NumberOfJobs");

    private final ApelConfig config;
    private final String site;
    private final Map<List<Object>, Map<String, Object>> summary = new LinkedHashMap<>();
    private final Map<List<Object>, Map<String, Object>> sync = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private int records;
    private int duplicates;

    public ApelSummary(ApelConfig config, String gocdbSite) {
        this.config = config;
        this.site = gocdbSite;
    }

    /** One UTC day's records (every query of that day together). */
    public void addDay(List<Record> day) {
        Comparator<List<Object>> sqlite = ApelSummary::compareSqlite;
        Map<List<Object>, Map<String, Object>> daySummary = new TreeMap<>(sqlite);
        Map<List<Object>, Map<String, Object>> daySync = new TreeMap<>(sqlite);
        Set<String> seen = new HashSet<>();
        for (Record r : day) {
            if (!seen.add(r.recordId())) {
                duplicates++;
                continue;
            }
            Map<String, Object> row;
            try {
                row = row(r);
            } catch (Field.MissingValue e) {
                skipped.add(e.getMessage());
                continue;
            }
            records++;
            List<Object> key = new ArrayList<>();
            for (String k : List.of("Site", "Month", "Year", "VO", "SubmitHost", "Processors")) {
                key.add(row.get(k));
            }
            config.optional().keySet().forEach(k -> key.add(row.get(k)));
            Map<String, Object> g = daySummary.get(key);
            if (g == null) {
                g = new LinkedHashMap<>();
                for (String f : SUMMARY_ORDER) {
                    if (row.containsKey(f)) {
                        g.put(f, row.get(f));
                    }
                }
                g.put("EarliestEndTime", row.get("StopTime"));
                g.put("LatestEndTime", row.get("StopTime"));
                g.put("NumberOfJobs", 1L);
                g.put("WallDuration", row.get("WallDuration"));
                daySummary.put(key, reorder(g));
            } else {
                for (String f : List.of("WallDuration", "CpuDuration", "NormalisedWallDuration", "NormalisedCpuDuration")) {
                    g.put(f, add((Number) g.get(f), (Number) row.get(f)));
                }
                g.put("NumberOfJobs", (Long) g.get("NumberOfJobs") + 1);
                g.put("EarliestEndTime", min((Number) g.get("EarliestEndTime"), (Number) row.get("StopTime")));
                g.put("LatestEndTime", max((Number) g.get("LatestEndTime"), (Number) row.get("StopTime")));
            }
            List<Object> syncKey = List.of(row.get("Site"), row.get("Month"), row.get("Year"), row.get("SubmitHost"));
            daySync.computeIfAbsent(syncKey, k -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("Site", k.get(0));
                s.put("SubmitHost", k.get(3));
                s.put("NumberOfJobs", 0L);
                s.put("Month", k.get(1));
                s.put("Year", k.get(2));
                return s;
            }).merge("NumberOfJobs", 1L, (a, b) -> (Long) a + (Long) b);
        }
        merge(summary, daySummary, SUMMED);
        merge(sync, daySync, List.of("NumberOfJobs"));
    }

    private static void merge(Map<List<Object>, Map<String, Object>> month, Map<List<Object>, Map<String, Object>> day,
                              List<String> summed) {
        day.forEach((key, g) -> {
            Map<String, Object> old = month.get(key);
            if (old == null) {
                month.put(key, g);
                return;
            }
            for (String f : summed) {
                old.put(f, add((Number) old.get(f), (Number) g.get(f)));
            }
            if (old.containsKey("LatestEndTime")) {
                old.put("LatestEndTime", g.get("LatestEndTime"));
            }
        });
    }

    private Map<String, Object> row(Record r) {
        if (r.stopTime() == null || r.runtime() == null) {
            throw new Field.MissingValue("record " + r.recordId() + " has no stop time or runtime");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        ZonedDateTime stop = r.stopTime().atZone(ZoneOffset.UTC);
        row.put("Site", site);
        row.put("Month", (long) stop.getMonthValue());
        row.put("Year", (long) stop.getYear());
        int nanos = r.stopTime().getNano();
        row.put("StopTime", nanos == 0 ? (Object) r.stopTime().getEpochSecond()
                : (Object) (r.stopTime().getEpochSecond() + nanos / 1e9));
        row.put("WallDuration", r.runtime());
        config.mandatory().forEach((k, f) -> row.put(k, f.value(r)));
        config.optional().forEach((k, f) -> row.put(k, f.value(r)));
        return row;
    }

    private static Map<String, Object> reorder(Map<String, Object> g) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : SUMMARY_ORDER) {
            if (g.containsKey(f)) {
                out.put(f, g.get(f));
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return summary.isEmpty();
    }

    public int records() {
        return records;
    }

    public int duplicates() {
        return duplicates;
    }

    /** Why each skipped record was left out (one line per record). */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    public String summaryMessage() {
        StringBuilder b = new StringBuilder(SUMMARY_HEADER);
        for (Map<String, Object> g : summary.values()) {
            g.forEach((k, v) -> {
                String text = PyStr.of(v);
                b.append(k).append(": ").append(k.contains("Norm") ? "{" + config.benchmarkType() + ": " + text + "}" : text).append('\n');
            });
            b.append("%%\n");
        }
        return b.toString();
    }

    public String syncMessage() {
        StringBuilder b = new StringBuilder(SYNC_HEADER);
        for (Map<String, Object> g : sync.values()) {
            g.forEach((k, v) -> b.append(k).append(": ").append(PyStr.of(v)).append('\n'));
            b.append("%%\n");
        }
        return b.toString();
    }

    static Number add(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            return x + y;
        }
        return a.doubleValue() + b.doubleValue();
    }

    private static Number min(Number a, Number b) {
        return Double.compare(a.doubleValue(), b.doubleValue()) <= 0 ? a : b;
    }

    private static Number max(Number a, Number b) {
        return Double.compare(a.doubleValue(), b.doubleValue()) >= 0 ? a : b;
    }

    /** SQLite's ordering of GROUP BY output: NULL, then numbers by value, then text by its bytes. */
    static int compareSqlite(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareValue(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareValue(Object x, Object y) {
        int rx = rank(x);
        int ry = rank(y);
        if (rx != ry) {
            return Integer.compare(rx, ry);
        }
        if (x instanceof Number nx && y instanceof Number ny) {
            if (nx instanceof Long lx && ny instanceof Long ly) {
                return Long.compare(lx, ly);
            }
            return Double.compare(nx.doubleValue(), ny.doubleValue());
        }
        if (x == null) {
            return 0;
        }
        return java.util.Arrays.compareUnsigned(String.valueOf(x).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                String.valueOf(y).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int rank(Object v) {
        return v == null ? 0 : v instanceof Number ? 1 : 2;
    }
}
