package org.waldur.agent.auditor.apel;

import org.waldur.agent.auditor.record.Record;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Individual-job messages ({@code APEL-individual-job-message: v0.3}, EGI's grid job record), for configs with
 * {@code plugin.message_type: individual_jobs} and {@code individual_job_fields} (auditor.md §5.6; AUDITOR
 * removed them in 0.9.3). One record per job, fields in the record format's order; {@code Site} is the GOCDB
 * name, {@code LocalJobId} the record id, {@code WallDuration} the runtime, {@code StartTime}/{@code EndTime}
 * epoch seconds. Unlike the old plugin, a field that has no value is left out instead of written as {@code None}.
 * Messages hold at most {@link #JOBS_PER_MESSAGE} jobs and are handed on as soon as they are full, so a month of
 * a large site is never in memory at once; the sync message counts the same jobs.
 */
public final class IndividualJobs {
    public static final String HEADER = "APEL-individual-job-message: v0.3\n";
    public static final int JOBS_PER_MESSAGE = 1000;
    private static final List<String> ORDER = List.of("Site", "SubmitHost", "MachineName", "Queue", "LocalJobId",
            "LocalUserId", "GlobalUserName", "FQAN", "VO", "VOGroup", "VORole", "WallDuration", "CpuDuration",
            "Processors", "NodeCount", "StartTime", "EndTime", "InfrastructureDescription", "InfrastructureType",
            "MemoryReal", "MemoryVirtual", "ServiceLevelType", "ServiceLevel");

    /** Receives each complete message. */
    public interface Sink {
        void accept(String message) throws IOException;
    }

    private final ApelConfig config;
    private final String site;
    private final Sink sink;
    private final StringBuilder current = new StringBuilder();
    private final Map<List<Object>, Long> syncCounts = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private int inCurrent;
    private int jobs;

    public IndividualJobs(ApelConfig config, String gocdbSite, Sink sink) {
        this.config = config;
        this.site = gocdbSite;
        this.sink = sink;
    }

    public void addDay(List<Record> day) throws IOException {
        Set<String> seen = new HashSet<>();
        for (Record r : day) {
            if (!seen.add(r.recordId())) {
                continue;
            }
            Map<String, Object> v;
            try {
                v = values(r);
            } catch (Field.MissingValue e) {
                skipped.add(e.getMessage());
                continue;
            }
            StringBuilder rec = new StringBuilder();
            for (String k : ORDER) {
                Object x = v.get(k);
                if (x != null && !"None".equals(x)) {
                    rec.append(k).append(": ").append(PyStr.of(x)).append('\n');
                }
            }
            current.append(rec).append("%%\n");
            jobs++;
            ZonedDateTime stop = r.stopTime().atZone(ZoneOffset.UTC);
            syncCounts.merge(List.of(String.valueOf(v.getOrDefault("SubmitHost", "None")), (long) stop.getMonthValue(),
                    (long) stop.getYear()), 1L, Long::sum);
            if (++inCurrent == JOBS_PER_MESSAGE) {
                flush();
            }
        }
    }

    private Map<String, Object> values(Record r) {
        if (r.stopTime() == null || r.runtime() == null || r.startTime() == null) {
            throw new Field.MissingValue("record " + r.recordId() + " has no start or stop time");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Site", site);
        v.put("LocalJobId", r.recordId());
        v.put("WallDuration", r.runtime());
        v.put("StartTime", r.startTime().getEpochSecond());
        v.put("EndTime", r.stopTime().getEpochSecond());
        config.jobFields().forEach((k, f) -> v.put(k, f.value(r)));
        return v;
    }

    /** Hands on the jobs not yet sent (call once at the end). */
    public void flush() throws IOException {
        if (inCurrent > 0) {
            sink.accept(HEADER + current);
            current.setLength(0);
            inCurrent = 0;
        }
    }

    public int jobs() {
        return jobs;
    }

    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** The sync message of the jobs seen: per SubmitHost and month. */
    public String syncMessage() {
        StringBuilder b = new StringBuilder(ApelSummary.SYNC_HEADER);
        syncCounts.forEach((k, n) -> b.append("Site: ").append(site).append('\n')
                .append("SubmitHost: ").append(k.get(0)).append('\n')
                .append("NumberOfJobs: ").append(n).append('\n')
                .append("Month: ").append(k.get(1)).append('\n')
                .append("Year: ").append(k.get(2)).append('\n')
                .append("%%\n"));
        return b.toString();
    }
}
