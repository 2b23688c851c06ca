package org.waldur.agent.auditor.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.waldur.agent.auditor.server.config.ServerSettings;
import org.waldur.agent.auditor.server.http.AuditorHttp;
import org.waldur.agent.auditor.server.metrics.DatabaseGauges;
import org.waldur.agent.auditor.server.store.Database;
import org.waldur.agent.auditor.server.store.RecordStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The record server: the store ({@link Database}), the beans the routes call, and a Camel main that loads
 * {@code routes/auditor-server.camel.yaml} and serves it on the platform-http (Vert.x) server. The
 * {@code auditor} command runs it until stopped; tests start and stop it in-process.
 */
public final class AuditorServer implements AutoCloseable {
    public static final String ROUTE_FILE = "auditor-server.camel.yaml";
    static final String NOT_FOUND = "The requested resource was not found. 404 Not Found";

    private final Main main;
    private final Database database;

    private final int port;

    private AuditorServer(Main main, Database database, int port) {
        this.main = main;
        this.database = database;
        this.port = port;
    }

    /** Opens the store and prepares the Camel main; {@link #run()} or {@link #start()} serves it. */
    public static AuditorServer create(ServerSettings settings, Path routeDir) throws IOException {
        Path routes = routeDir.resolve(ROUTE_FILE);
        if (!Files.isRegularFile(routes)) {
            throw new IOException("no " + ROUTE_FILE + " in " + routeDir.toAbsolutePath()
                    + " (the routes/ of the distribution, or --routes DIR)");
        }
        Database database = Database.open(settings.database());
        RecordStore store = new RecordStore(database.dataSource());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        Main main = new Main();
        main.bind("metricsRegistry", registry);
        DatabaseGauges gauges = new DatabaseGauges(store, settings.metrics());
        main.bind("auditorHttp", new AuditorHttp(store, settings.ignoreRecordExistsError(), registry, gauges));
        main.bind("auditorGauges", gauges);
        main.addOverrideProperty("camel.main.name", "auditor-record-server");
        main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + routes.toAbsolutePath());
        main.addOverrideProperty("camel.main.routes-exclude-pattern", "false");
        // a streamed GET /records body must reach the socket as it is produced, never be cached whole
        main.addOverrideProperty("camel.main.stream-caching-enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.host", settings.bindHost());
        main.addOverrideProperty("camel.server.port", Integer.toString(settings.port()));
        main.addOverrideProperty("camel.server.max-body-size", Long.toString(settings.maxBodyBytes()));
        main.addOverrideProperty("camel.metrics.enabled", "true");
        main.addOverrideProperty("camel.metrics.binders",
                "jvm-memory,jvm-gc,jvm-thread,jvm-info,class-loader,processor,uptime,file-descriptor");
        main.addOverrideProperty("auditor.metrics.period-ms",
                Long.toString(settings.metrics().frequency().toMillis()));
        return new AuditorServer(main, database, settings.port());
    }

    /**
     * Any other path gets AUDITOR's 404 text (its default service) instead of Vert.x's HTML page. A route of the
     * YAML file cannot do it: Vert.x matches routes in the order they were added, and a catch-all added before
     * the REST routes would take their requests; this one is ordered last.
     */
    static void notFoundLast(CamelContext context, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader("Content-Type", "text/plain; charset=utf-8").end(NOT_FOUND));
    }

    /** Serves until the JVM is asked to stop (SIGTERM, Ctrl-C). */
    public int run() throws Exception {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                notFoundLast(started.getCamelContext(), port);
            }
        });
        try {
            main.run();
            return main.getExitCode();
        } finally {
            database.close();
        }
    }

    /** The store's pool (tests prepare and inspect the table through it). */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    /** Starts serving and returns (tests). */
    public void start() throws Exception {
        main.start();
        notFoundLast(main.getCamelContext(), port);
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            database.close();
        }
    }
}
