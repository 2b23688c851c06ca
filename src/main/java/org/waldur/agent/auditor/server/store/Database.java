package org.waldur.agent.auditor.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.waldur.agent.auditor.server.config.ServerSettings;

import javax.sql.DataSource;
import java.io.IOException;

/**
 * The record store's PostgreSQL: the embedded server or the external one of the {@code database} section, a
 * HikariCP pool on it, and the schema brought up to date by Flyway ({@code db/auditor/}). One SQL dialect for
 * both, because both are PostgreSQL.
 *
 * <p>An AUDITOR database (its table already there, no Flyway history) is baselined before version 1 (whose CREATE TABLE IF NOT EXISTS then keeps it), so the server
 * takes it over without touching its rows.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
    }

    public static Database open(ServerSettings.Database settings) throws IOException {
        EmbeddedPostgres embedded = null;
        HikariConfig hc = new HikariConfig();
        if (settings.embedded()) {
            embedded = EmbeddedPostgres.start(settings.path(), settings.runAs());
            hc.setJdbcUrl(embedded.jdbcUrl());
            hc.setUsername(embedded.user());
            hc.setPassword(embedded.password());
        } else {
            hc.setJdbcUrl(settings.jdbcUrl());
            hc.setUsername(settings.username());
            hc.setPassword(settings.password());
        }
        hc.setPoolName("auditor-store");
        hc.setMaximumPoolSize(10);
        // start even when PostgreSQL is down: /health_check then says 500 until it is back
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("ApplicationName", "waldur-camel-agent auditor");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        return new Database(embedded, pool);
    }

    /** Brings the schema of {@code dataSource} up to date; public for tests that prepare a database. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/auditor")
                .table("auditor_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
