package org.waldur.agent.auditor.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.server.config.ServerSettings;
import org.waldur.agent.auditor.server.store.RecordStore;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AUDITOR's database gauges (auditor/src/metrics/database.rs; reference §2.4) under AUDITOR's names:
 * {@code num_records_database}, {@code num_records_database_per_site{site}}, {@code …_per_group{group_id}},
 * {@code …_per_user{user_id}}, each counted over the elements of the configured meta key. Only the metrics named
 * in {@code metrics.database.metrics} are kept; {@link #refresh()} recomputes them (a timer route calls it every
 * {@code frequency} seconds, the first time at start, so an empty store shows 0 at once).
 */
public final class DatabaseGauges {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseGauges.class);

    private final RecordStore store;
    private final ServerSettings.DatabaseMetrics settings;
    private final AtomicLong total = new AtomicLong();
    private final MultiGauge perSite;
    private final MultiGauge perGroup;
    private final MultiGauge perUser;

    public DatabaseGauges(RecordStore store, ServerSettings.DatabaseMetrics settings, MeterRegistry registry) {
        this.store = store;
        this.settings = settings;
        if (settings.metrics().contains("RecordCount")) {
            Gauge.builder("num_records_database", total, AtomicLong::get)
                    .description("Number of records in the database").register(registry);
        }
        perSite = settings.metrics().contains("RecordCountPerSite") ? MultiGauge.builder("num_records_database_per_site")
                .description("Number of records in the database per site").register(registry) : null;
        perGroup = settings.metrics().contains("RecordCountPerGroup") ? MultiGauge.builder("num_records_database_per_group")
                .description("Number of records in the database per group").register(registry) : null;
        perUser = settings.metrics().contains("RecordCountPerUser") ? MultiGauge.builder("num_records_database_per_user")
                .description("Number of records in the database per user").register(registry) : null;
    }

    public void refresh() {
        try {
            if (settings.metrics().contains("RecordCount")) {
                total.set(store.count());
            }
            set(perSite, "site", settings.metaKeySite());
            set(perGroup, "group_id", settings.metaKeyGroup());
            set(perUser, "user_id", settings.metaKeyUser());
        } catch (SQLException e) {
            // the gauges keep their last values; /health_check reports the store itself
            LOG.warn("database metrics not refreshed: {}", e.getMessage());
        }
    }

    private void set(MultiGauge gauge, String label, String metaKey) throws SQLException {
        if (gauge == null) {
            return;
        }
        Map<String, Long> counts = store.countPerMetaValue(metaKey);
        List<MultiGauge.Row<?>> rows = counts.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of(label, e.getKey()), e.getValue()))
                .toList();
        gauge.register(rows, true);
    }
}
