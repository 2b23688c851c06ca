package org.waldur.agent.auditor.server.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.server.config.ServerSettings;
import org.waldur.agent.auditor.server.store.RecordStore;

import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * AUDITOR's database gauges (auditor/src/metrics/database.rs; reference §2.4) under AUDITOR's names:
 * {@code num_records_database}, {@code num_records_database_per_site{site}}, {@code …_per_group{group_id}},
 * {@code …_per_user{user_id}}, each counted over the elements of the configured meta key. Only the metrics named
 * in {@code metrics.database.metrics} are shown; {@link #refresh()} recomputes them (a timer route calls it every
 * {@code frequency} seconds, the first time at start, so an empty store shows 0 at once).
 *
 * <p>Rendered here rather than through Micrometer because AUDITOR prints them as integers
 * ({@code num_records_database 4}) and AUDITOR's exporter tests match those lines as text; Micrometer would print
 * {@code 4.0}.
 */
public final class DatabaseGauges {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseGauges.class);

    private final RecordStore store;
    private final ServerSettings.DatabaseMetrics settings;
    private volatile String text = "";

    public DatabaseGauges(RecordStore store, ServerSettings.DatabaseMetrics settings) {
        this.store = store;
        this.settings = settings;
    }

    /** The gauges in Prometheus text format, as of the last refresh. */
    public String prometheusText() {
        return text;
    }

    public void refresh() {
        try {
            StringBuilder sb = new StringBuilder();
            if (settings.metrics().contains("RecordCount")) {
                header(sb, "num_records_database", "Number of records in the database");
                sb.append("num_records_database ").append(store.count()).append('\n');
            }
            perValue(sb, "RecordCountPerSite", "num_records_database_per_site", "site", settings.metaKeySite());
            perValue(sb, "RecordCountPerGroup", "num_records_database_per_group", "group_id", settings.metaKeyGroup());
            perValue(sb, "RecordCountPerUser", "num_records_database_per_user", "user_id", settings.metaKeyUser());
            text = sb.toString();
        } catch (SQLException e) {
            // the gauges keep their last values; /health_check reports the store itself
            LOG.warn("database metrics not refreshed: {}", e.getMessage());
        }
    }

    private void perValue(StringBuilder sb, String option, String name, String label, String metaKey)
            throws SQLException {
        if (!settings.metrics().contains(option)) {
            return;
        }
        header(sb, name, "Number of records in the database per " + label.replace("_id", ""));
        for (Map.Entry<String, Long> e : new TreeMap<>(store.countPerMetaValue(metaKey)).entrySet()) {
            sb.append(name).append('{').append(label).append("=\"").append(escape(e.getKey())).append("\"} ")
                    .append(e.getValue()).append('\n');
        }
    }

    private static void header(StringBuilder sb, String name, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n");
    }

    /** Prometheus label value escaping: backslash, double quote and newline. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
