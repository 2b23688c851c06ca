package org.waldur.agent.accounting;

import java.util.List;

/**
 * What one sacct parse saw, for a log line and a metric.
 *
 * @param lines             every line read, including blank and malformed ones
 * @param rowsUsed          rows that were aggregated (a row with an empty or unconfigured TRES field still counts:
 *                          it names a user of the account)
 * @param malformed         lines skipped because they are not a usable {@code Account|TRES|Elapsed|User} row
 * @param blankLines        empty lines, ignored
 * @param malformedExamples the first few malformed lines with their line number and reason, shortened
 */
public record ParseStats(long lines, long rowsUsed, long malformed, long blankLines, List<String> malformedExamples) {

    public ParseStats {
        malformedExamples = List.copyOf(malformedExamples);
    }

    /** One line for the log, e.g. {@code 1200 lines, 1198 rows used, 2 malformed skipped (e.g. line 7: …)}. */
    public String summary() {
        StringBuilder s = new StringBuilder()
                .append(lines).append(" lines, ").append(rowsUsed).append(" rows used, ")
                .append(malformed).append(" malformed skipped");
        if (!malformedExamples.isEmpty()) {
            s.append(" (e.g. ").append(String.join("; ", malformedExamples)).append(')');
        }
        return s.toString();
    }
}
