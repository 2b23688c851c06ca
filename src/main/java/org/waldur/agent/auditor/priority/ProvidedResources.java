package org.waldur.agent.auditor.priority;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.Score;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The resources each configured group provided, as AUDITOR's priority plugin computes them (auditor.md §4.2):
 * {@code runtime × Π (amount × score)} over the record's components named in {@code components}, summed per
 * {@code meta.group_id[0]}. Kept from AUDITOR on purpose, because sites compare the two plugins' numbers: the
 * product (the docs say sum), the last score of the configured name, and factor 1.0 for a missing score — the
 * last one is counted and logged here, where AUDITOR only logged it.
 *
 * <p>Better than AUDITOR: a record id seen twice counts once; a negative runtime (AUDITOR stores stop &lt; start)
 * is skipped and counted instead of pulling a group below zero.
 */
public final class ProvidedResources {
    private static final Logger LOG = LoggerFactory.getLogger(ProvidedResources.class);

    /** Per-group sums plus what was left out and why. */
    public record Result(Map<String, Double> perGroup, int used, int otherGroup, int noRuntime,
                         int noConfiguredComponent, int negativeRuntime, int duplicates, int missingScore) {
    }

    private final PriorityConfig config;

    public ProvidedResources(PriorityConfig config) {
        this.config = config;
    }

    public Accumulator start() {
        return new Accumulator();
    }

    /** Records arrive one at a time from the stream, so the memory used does not grow with the window. */
    public final class Accumulator {
        private final Map<String, Double> sums = new LinkedHashMap<>();
        private final Set<String> seen = new HashSet<>();
        private int used;
        private int otherGroup;
        private int noRuntime;
        private int noComponent;
        private int negative;
        private int duplicates;
        private int missingScore;

        Accumulator() {
            config.groups().keySet().forEach(g -> sums.put(g, 0.0));
        }

        public void add(Record r) {
            var groupIds = r.metaValues("group_id");
            if (groupIds.isEmpty() || !sums.containsKey(groupIds.get(0))) {
                otherGroup++;
                return;
            }
            if (r.runtime() == null) {
                noRuntime++;
                return;
            }
            if (r.runtime() < 0) {
                negative++;
                return;
            }
            if (!seen.add(r.recordId())) {
                duplicates++;
                return;
            }
            double factor = 1.0;
            boolean any = config.components().isEmpty();
            for (Component c : r.components() == null ? java.util.List.<Component>of() : r.components()) {
                String scoreName = config.components().get(c.name());
                if (scoreName == null) {
                    continue;
                }
                any = true;
                Double score = lastScore(c, scoreName);
                if (score == null) {
                    missingScore++;
                    LOG.warn("record {}: component {} has no score {}; counted with factor 1.0 as AUDITOR does",
                            r.recordId(), c.name(), scoreName);
                    score = 1.0;
                }
                factor *= c.amount() * score;
            }
            if (!any) {
                noComponent++;
                return;
            }
            used++;
            sums.merge(groupIds.get(0), r.runtime() * factor, Double::sum);
        }

        public Result result() {
            return new Result(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sums)), used, otherGroup,
                    noRuntime, noComponent, negative, duplicates, missingScore);
        }
    }

    /** AUDITOR takes the last score of that name (a later duplicate wins). */
    private static Double lastScore(Component c, String name) {
        Double v = null;
        for (Score s : c.scores()) {
            if (s.name().equals(name)) {
                v = s.value();
            }
        }
        return v;
    }
}
