package org.waldur.agent.auditor.collector;

import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;
import org.waldur.agent.slurm.SacctJobs;
import org.waldur.agent.slurm.SacctValues;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sacct job → one AUDITOR record, by the configuration's rules (auditor.md §3.4): {@code record_id =
 * <record_prefix>-<JobID>}; the first matching site; configured meta then {@code site_id}, {@code user_id},
 * {@code group_id}; every component whose {@code only_if} matches, with the scores whose {@code only_if} match;
 * {@code Start} and {@code End} as start and stop time.
 *
 * <p>Where AUDITOR panics or silently drops the job (no site, a missing key, a non-numeric amount, a value the
 * server would refuse), this throws {@link Unbuildable} with the reason: the caller dead-letters that job and
 * carries on with the others. A job with no {@code End} yet is not an error, it is {@link #stillRunning}.
 * Differences to AUDITOR, on purpose: a meta {@code only_if} is applied (AUDITOR documents it and ignores it);
 * an empty meta value is left out instead of sent (the server refuses an empty name).
 */
public final class RecordBuilder {
    static final int MAX_NAME = 256;
    private final CollectorConfig config;

    public RecordBuilder(CollectorConfig config) {
        this.config = config;
    }

    /** The job cannot become a record under this configuration; {@code getMessage()} says why. */
    public static final class Unbuildable extends Exception {
        public Unbuildable(String message) {
            super(message);
        }
    }

    public String recordId(String jobId) {
        return config.recordPrefix() + "-" + jobId;
    }

    /** A job that has not ended (possible when the job filter has no status) waits for a later poll. */
    public static boolean stillRunning(SacctJobs.Job job) {
        String end = job.get("End");
        return end == null || end.equals("Unknown") || end.equals("None") || end.equals("0");
    }

    public Record build(SacctJobs.Job job) throws Unbuildable {
        Map<String, String> v = job.values();
        String recordId = recordId(job.jobId());
        name(recordId, "record_id");
        String site = null;
        for (CollectorConfig.Site s : config.sites()) {
            if (s.onlyIf() == null || s.onlyIf().test(v)) {
                site = s.name();
                break;
            }
        }
        if (site == null) {
            throw new Unbuildable("no configured site matches the job (add a site without only_if at the end of sites)");
        }
        Map<String, List<String>> meta = new LinkedHashMap<>();
        for (CollectorConfig.Meta m : config.meta()) {
            if (m.onlyIf() != null && !m.onlyIf().test(v)) {
                continue;
            }
            String raw = v.get(m.key());
            if (m.keyType() == KeyType.Json) {
                m.keyType().map(raw).forEach((k, val) -> {
                    if (!k.isBlank() && !val.isBlank()) {
                        meta.put(k, List.of(val));
                    }
                });
                continue;
            }
            if (raw == null) {
                throw new Unbuildable("meta " + m.name() + ": the job has no " + m.key());
            }
            String text = convert(() -> m.keyType().text(raw), "meta " + m.name());
            if (!text.isBlank()) {
                meta.put(m.name(), List.of(text));
            }
        }
        meta.put("site_id", List.of(site));
        meta.put("user_id", List.of(required(v, "User")));
        meta.put("group_id", List.of(required(v, "Group")));
        for (Map.Entry<String, List<String>> e : meta.entrySet()) {
            name(e.getKey(), "meta key");
            name(e.getValue().get(0), "meta " + e.getKey());
        }
        List<Component> components = new ArrayList<>();
        for (CollectorConfig.ComponentSpec c : config.components()) {
            if (c.onlyIf() != null && !c.onlyIf().test(v)) {
                continue;
            }
            String raw = v.get(c.key());
            long amount;
            if (raw == null) {
                if (c.defaultValue() == null) {
                    throw new Unbuildable("component " + c.name() + ": the job has no " + c.key() + " and no default_value is set");
                }
                amount = c.defaultValue();
            } else {
                amount = convert(() -> c.keyType().amount(raw), "component " + c.name());
            }
            if (amount < 0) {
                throw new Unbuildable("component " + c.name() + ": amount " + amount + " is negative");
            }
            List<Score> scores = new ArrayList<>();
            for (CollectorConfig.ScoreSpec s : c.scores()) {
                if (s.onlyIf() == null || s.onlyIf().test(v)) {
                    scores.add(new Score(s.name(), s.value()));
                }
            }
            components.add(new Component(name(c.name(), "component name"), amount, scores));
        }
        Instant start = convert(() -> SacctValues.instant(required(v, "Start")), "Start");
        Instant stop = convert(() -> SacctValues.instant(required(v, "End")), "End");
        return Record.of(recordId, meta, components, start, stop);
    }

    private interface Conversion<T> {
        T get() throws Unbuildable;
    }

    private static <T> T convert(Conversion<T> c, String what) throws Unbuildable {
        try {
            return c.get();
        } catch (IllegalArgumentException e) {
            throw new Unbuildable(what + ": " + e.getMessage());
        }
    }

    private static String required(Map<String, String> v, String key) throws Unbuildable {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            throw new Unbuildable("the job has no " + key);
        }
        return s;
    }

    /** AUDITOR's ValidName: not blank, at most 256 characters (code points; graphemes only differ for emoji). */
    private static String name(String s, String what) throws Unbuildable {
        if (s == null || s.isBlank()) {
            throw new Unbuildable(what + " is empty");
        }
        if (s.codePointCount(0, s.length()) > MAX_NAME) {
            throw new Unbuildable(what + " is longer than " + MAX_NAME + " characters");
        }
        return s;
    }
}
