package org.waldur.agent.auditor.record;

import java.util.List;

/** One measured quantity of a job, e.g. {@code Cores = 8}, with the scores that weigh it (auditor.md §1.1).
 *  {@code amount} is an integer on the wire: AUDITOR refuses a JSON float. */
public record Component(String name, long amount, List<Score> scores) {
    public Component {
        scores = scores == null ? List.of() : List.copyOf(scores);
    }

    /** The value of the named score, or null when the component has none of that name. */
    public Double score(String scoreName) {
        for (Score s : scores) {
            if (s.name().equals(scoreName)) {
                return s.value();
            }
        }
        return null;
    }
}
