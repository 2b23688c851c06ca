package org.waldur.agent.auditor.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The record server's settings: AUDITOR's own server config ({@code auditor/src/configuration.rs}, reference
 * ../shared/reference/auditor.md §2.5) plus the embedded-store extension keys {@code database.kind},
 * {@code database.path} and {@code database.run_as}.
 */
public record ServerSettings(
        List<String> addr,
        int port,
        Database database,
        DatabaseMetrics metrics,
        String logLevel,
        boolean ignoreRecordExistsError,
        long maxBodyBytes,
        List<String> warnings) {

    /** The one address the HTTP server binds: AUDITOR binds every listed one; we bind one (two = the wildcard). */
    public String bindHost() {
        if (addr.size() == 1) {
            return addr.get(0);
        }
        return addr.stream().anyMatch(a -> a.contains(":")) ? "::" : "0.0.0.0";
    }

    /** Where the records live: an embedded PostgreSQL in {@code path}, or an external server. */
    public record Database(boolean embedded, Path path, String runAs,
                           String host, int port, String username, String password, String databaseName,
                           boolean requireSsl) {
        public String jdbcUrl() {
            return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
                    + databaseName + (requireSsl ? "?sslmode=require" : "");
        }
    }

    /** {@code metrics.database}: which record-count gauges, how often they are recomputed, which meta keys. */
    public record DatabaseMetrics(Duration frequency, Set<String> metrics,
                                  String metaKeySite, String metaKeyGroup, String metaKeyUser) {
        public static final Set<String> KNOWN =
                Set.of("RecordCount", "RecordCountPerSite", "RecordCountPerGroup", "RecordCountPerUser");
    }
}
