package org.waldur.agent.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs in the output of {@link SlurmCommands#auditorJobs} ({@code --parsable2 --noheader}, one field per
 * requested key, auditor.md §3.2–§3.3). Each allocation row becomes one {@link Job}; a key empty on it is taken
 * from the job's {@code .batch} row (22.05 prints {@code MaxRSS} only there).
 *
 * <p>Unlike AUDITOR, every step is recognised by the dot in its id ({@code .batch}, {@code .extern},
 * {@code .interactive}, {@code .0}, {@code 123+0.batch}), so no step is ever mistaken for a job (AUDITOR #812,
 * #1976); a heterogeneous component {@code 123+0} is a job of its own. A line whose field count does not match
 * (a {@code |} inside a comment) is returned as {@link Unparsable}, never guessed at.
 *
 * <p>A job cancelled before it started is skipped, as AUDITOR does. AUDITOR recognises it by a missing
 * {@code Start}; SLURM 22.05 prints the cancel time as {@code Start} instead (FINDINGS), so the collector also
 * asks for {@code NodeList}: {@code None assigned} means it never ran.
 */
public final class SacctJobs {
    public static final String JOB_ID = "JobID";
    public static final String START = "Start";
    public static final String STATE = "State";
    public static final String NODE_LIST = "NodeList";

    /** One job: its id and the raw (non-empty, or allowed-empty) value of each key. */
    public record Job(String jobId, Map<String, String> values) {
        public String get(String key) {
            return values.get(key);
        }
    }

    /** A line that could not be read; {@code jobId} is its first JobID-looking field when one is found. */
    public record Unparsable(String jobId, String line, String reason) {
    }

    public record Parsed(List<Job> jobs, List<Unparsable> unparsable, int skippedUnstarted) {
    }

    private SacctJobs() {
    }

    /**
     * @param keys       the {@code --format} fields, in order (must contain JobID)
     * @param allowEmpty keys whose empty value is kept as {@code ""} (AUDITOR's {@code key_allow_empty})
     */
    public static Parsed parse(String output, List<String> keys, Collection<String> allowEmpty) {
        int idIndex = keys.indexOf(JOB_ID);
        if (idIndex < 0) {
            throw new IllegalArgumentException("the sacct keys must contain " + JOB_ID);
        }
        Set<String> keepEmpty = Set.copyOf(allowEmpty);
        Map<String, Map<String, String>> jobRows = new LinkedHashMap<>();
        Map<String, Map<String, String>> batchRows = new LinkedHashMap<>();
        List<Unparsable> bad = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length != keys.size()) {
                String id = f.length > idIndex ? f[idIndex] : null;
                bad.add(new Unparsable(id, line, "the line has " + f.length + " fields, " + keys.size() + " were asked for"));
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (!f[i].isEmpty() || keepEmpty.contains(keys.get(i))) {
                    row.putIfAbsent(keys.get(i), f[i]);
                }
            }
            String id = f[idIndex];
            int dot = id.indexOf('.');
            if (dot < 0) {
                jobRows.put(id, row);
            } else if (id.substring(dot + 1).equals("batch")) {
                batchRows.put(id.substring(0, dot), row);
            }
        }
        List<Job> jobs = new ArrayList<>();
        int unstarted = 0;
        for (Map.Entry<String, Map<String, String>> e : jobRows.entrySet()) {
            Map<String, String> batch = batchRows.getOrDefault(e.getKey(), Map.of());
            Map<String, String> values = new LinkedHashMap<>(e.getValue());
            batch.forEach(values::putIfAbsent);
            if (cancelledBeforeStart(e.getValue(), batch)) {
                unstarted++;
                continue;
            }
            jobs.add(new Job(e.getKey(), values));
        }
        return new Parsed(jobs, bad, unstarted);
    }

    private static boolean cancelledBeforeStart(Map<String, String> job, Map<String, String> batch) {
        String state = job.get(STATE);
        if (state == null || !state.startsWith("CANCELLED")) {
            return false;
        }
        boolean noStart = !started(job.get(START)) && !started(batch.get(START));
        return noStart || "None assigned".equals(job.get(NODE_LIST));
    }

    private static boolean started(String start) {
        return start != null && !start.isEmpty() && !start.equals("Unknown") && !start.equals("None")
                && !start.equals("0");
    }
}
