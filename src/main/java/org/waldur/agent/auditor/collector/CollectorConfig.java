package org.waldur.agent.auditor.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AUDITOR's SLURM collector configuration (auditor.md §3.7; collectors/slurm/src/configuration.rs), with the same
 * keys and defaults, plus three extensions of this collector ({@code sacct_overlap}, {@code sender_batch_size},
 * {@code request_timeout}). Built by {@link CollectorConfigLoader}.
 */
public record CollectorConfig(
        String addr,
        int port,
        String recordPrefix,
        List<Site> sites,
        List<Meta> meta,
        Instant earliestDatetime,
        List<ComponentSpec> components,
        Duration sacctFrequency,
        Duration senderFrequency,
        String databasePath,
        Map<String, List<String>> jobFilter,
        String logLevel,
        Duration sacctOverlap,
        int senderBatchSize,
        Duration requestTimeout) {

    /** A regex test on one sacct key; the key missing in a job means "does not match". Unanchored, as Rust's is_match. */
    public record OnlyIf(String key, Pattern matches) {
        public boolean test(Map<String, String> job) {
            String v = job.get(key);
            return v != null && matches.matcher(v).find();
        }
    }

    public record Site(String name, OnlyIf onlyIf) {
    }

    public record Meta(String name, String key, KeyType keyType, boolean keyAllowEmpty, OnlyIf onlyIf) {
    }

    public record ScoreSpec(String name, double value, OnlyIf onlyIf) {
    }

    public record ComponentSpec(String name, String key, KeyType keyType, boolean keyAllowEmpty, Long defaultValue,
                                List<ScoreSpec> scores, OnlyIf onlyIf) {
    }

    /** The keys AUDITOR always reads, after the configured ones; NodeList is ours (SacctJobs: unstarted jobs). */
    public static final List<String> ALWAYS = List.of("JobID", "Start", "End", "Group", "User", "State", "NodeList");

    /**
     * The {@code --format} fields in AUDITOR's order: site {@code only_if} keys, meta keys (+ their {@code only_if}),
     * per component its score {@code only_if} keys, its key and its {@code only_if}; then {@link #ALWAYS}. Each once.
     */
    public List<String> sacctKeys() {
        Set<String> keys = new LinkedHashSet<>();
        sites.forEach(s -> addOnlyIf(keys, s.onlyIf()));
        for (Meta m : meta) {
            keys.add(m.key());
            addOnlyIf(keys, m.onlyIf());
        }
        for (ComponentSpec c : components) {
            c.scores().forEach(s -> addOnlyIf(keys, s.onlyIf()));
            keys.add(c.key());
            addOnlyIf(keys, c.onlyIf());
        }
        keys.addAll(ALWAYS);
        return new ArrayList<>(keys);
    }

    /** Keys whose empty value is kept (AUDITOR's {@code key_allow_empty}). */
    public Set<String> allowEmptyKeys() {
        Set<String> out = new LinkedHashSet<>();
        meta.stream().filter(Meta::keyAllowEmpty).forEach(m -> out.add(m.key()));
        components.stream().filter(ComponentSpec::keyAllowEmpty).forEach(c -> out.add(c.key()));
        return out;
    }

    /** The job filter with the keys sacct is given (status, partition, user, group, account), empty lists dropped. */
    public Map<String, List<String>> jobFilterFlags() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        jobFilter.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** {@code http://addr:port}, the AUDITOR server. */
    public String serverUrl() {
        String host = addr.contains(":") && !addr.startsWith("[") ? "[" + addr + "]" : addr;
        return "http://" + host + ":" + port;
    }

    private static void addOnlyIf(Set<String> keys, OnlyIf onlyIf) {
        if (onlyIf != null) {
            keys.add(onlyIf.key());
        }
    }
}
