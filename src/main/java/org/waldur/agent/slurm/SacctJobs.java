package org.waldur.agent.slurm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    /** Where {@link #read} hands each job, unreadable line and skipped job as soon as it is complete. */
    public interface Sink {
        void job(Job job);

        void unparsable(Unparsable line);

        /** A job cancelled before it started (AUDITOR skips it too). */
        default void unstarted(String jobId) {
        }
    }

    /**
     * The whole output in memory, for small outputs and tests; the collector streams with {@link #read}.
     *
     * @param keys       the {@code --format} fields, in order (must contain JobID)
     * @param allowEmpty keys whose empty value is kept as {@code ""} (AUDITOR's {@code key_allow_empty})
     */
    public static Parsed parse(String output, List<String> keys, Collection<String> allowEmpty) {
        List<Job> jobs = new ArrayList<>();
        List<Unparsable> bad = new ArrayList<>();
        int[] unstarted = {0};
        try {
            read(new BufferedReader(new StringReader(output)), keys, allowEmpty, new Sink() {
                @Override
                public void job(Job job) {
                    jobs.add(job);
                }

                @Override
                public void unparsable(Unparsable line) {
                    bad.add(line);
                }

                @Override
                public void unstarted(String jobId) {
                    unstarted[0]++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return new Parsed(jobs, bad, unstarted[0]);
    }

    /**
     * Reads sacct's output line by line and hands each job to {@code sink} once its rows are complete, so memory
     * holds one job whatever the number of jobs. sacct prints a job's steps right after its allocation row
     * (examples/slurm-sandbox/FINDINGS.md §22), so a job is complete when the next job's row (or the end) arrives; a
     * {@code .batch} row that comes before its job's row is kept until that row arrives.
     */
    public static void read(BufferedReader output, List<String> keys, Collection<String> allowEmpty, Sink sink)
            throws IOException {
        int idIndex = keys.indexOf(JOB_ID);
        if (idIndex < 0) {
            throw new IllegalArgumentException("the sacct keys must contain " + JOB_ID);
        }
        Set<String> keepEmpty = Set.copyOf(allowEmpty);
        String currentId = null;
        Map<String, String> current = null;
        Map<String, String> currentBatch = Map.of();
        Map<String, Map<String, String>> earlyBatches = new HashMap<>();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length != keys.size()) {
                String id = f.length > idIndex ? f[idIndex] : null;
                sink.unparsable(new Unparsable(id, line, "the line has " + f.length + " fields, " + keys.size()
                        + " were asked for"));
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
                if (current != null) {
                    emit(currentId, current, currentBatch, sink);
                }
                currentId = id;
                current = row;
                Map<String, String> early = earlyBatches.remove(id);
                currentBatch = early == null ? Map.of() : early;
            } else if (id.substring(dot + 1).equals("batch")) {
                String job = id.substring(0, dot);
                if (job.equals(currentId)) {
                    currentBatch = row;
                } else {
                    earlyBatches.put(job, row);
                }
            }
        }
        if (current != null) {
            emit(currentId, current, currentBatch, sink);
        }
    }

    private static void emit(String id, Map<String, String> job, Map<String, String> batch, Sink sink) {
        if (cancelledBeforeStart(job, batch)) {
            sink.unstarted(id);
            return;
        }
        Map<String, String> values = new LinkedHashMap<>(job);
        batch.forEach(values::putIfAbsent);
        sink.job(new Job(id, values));
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
