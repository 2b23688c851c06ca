package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.Assumptions;
import org.waldur.agent.auditor.server.config.ServerSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real record server (the shipped routes/auditor-server.camel.yaml, the real store) on a free port, for one
 * test class; {@link #clear()} empties the table between tests, as each AUDITOR test expects an empty database.
 */
public final class RunningServer implements AutoCloseable {
    public final AuditorServer server;
    public final int port;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ServerSettings.Database database;
    private final boolean ignoreRecordExists;

    private RunningServer(AuditorServer server, int port, ServerSettings.Database database, boolean ignoreRecordExists) {
        this.server = server;
        this.port = port;
        this.database = database;
        this.ignoreRecordExists = ignoreRecordExists;
    }

    public static RunningServer start(StoreKind kind) {
        return start(kind, false);
    }

    public static RunningServer start(StoreKind kind, boolean ignoreRecordExists) {
        return start(required(kind), ignoreRecordExists);
    }

    /** The store {@code kind} names; without the external one's variable: skipped, or in CI a failure. */
    public static ServerSettings.Database required(StoreKind kind) {
        ServerSettings.Database db = kind.database();
        if (db == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(StoreKind.PG_URL_VARIABLE + " is not set: in CI, .ci/run starts "
                        + "examples/postgres-sandbox/start.sh and exports it");
            }
            Assumptions.abort(StoreKind.PG_URL_VARIABLE + " not set: external-PostgreSQL suite skipped "
                    + "(run examples/postgres-sandbox/start.sh and export what it prints)");
        }
        return db;
    }

    /** A server on {@code db} (e.g. an external PostgreSQL reached through a proxy), its table emptied. */
    public static RunningServer start(ServerSettings.Database db, boolean ignoreRecordExists) {
        try {
            RunningServer running = startOn(db, freePort(), ignoreRecordExists);
            running.clear();
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same server again, on the same port and store, its records kept (after {@link #close()}: a restart). */
    public RunningServer restart() {
        return startOn(database, port, ignoreRecordExists);
    }

    private static RunningServer startOn(ServerSettings.Database db, int port, boolean ignoreRecordExists) {
        try {
            ServerSettings settings = new ServerSettings(List.of("127.0.0.1"), port, db,
                    new ServerSettings.DatabaseMetrics(Duration.ofSeconds(1), ServerSettings.DatabaseMetrics.KNOWN,
                            "site", "group", "user"),
                    "info", ignoreRecordExists, 64L << 20, List.of());
            AuditorServer server = AuditorServer.create(settings, Path.of("routes"));
            server.start();
            return new RunningServer(server, port, db, ignoreRecordExists);
        } catch (Exception e) {
            throw new IllegalStateException("record server did not start: " + e, e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public void clear() {
        sql("TRUNCATE auditor_accounting");
    }

    public void sql(String statement) {
        try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
