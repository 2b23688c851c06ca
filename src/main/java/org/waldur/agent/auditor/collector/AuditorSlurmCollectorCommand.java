package org.waldur.agent.auditor.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.waldur.agent.App;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.slurm.FileBackedExecutor;
import org.waldur.agent.slurm.SlurmExec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code waldur-camel-agent auditor-slurm-collector CONFIG}: a drop-in for AUDITOR's {@code auditor-slurm-collector}
 * (same config file, same {@code AUDITOR_SLURM_COLLECTOR_*} overrides, talks to any AUDITOR server) that loses no
 * record. Loads only routes/slurm.camel.yaml and routes/auditor-slurm-collector.camel.yaml.
 */
@Command(name = "auditor-slurm-collector", mixinStandardHelpOptions = true,
        description = "AUDITOR's SLURM collector: finished jobs (sacct) become AUDITOR records, sent to an AUDITOR "
                + "server through a durable outbox.")
public final class AuditorSlurmCollectorCommand implements Callable<Integer> {
    public static final String ROUTE_FILE = "auditor-slurm-collector.camel.yaml";

    @ParentCommand
    App app;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "AUDITOR's SLURM collector YAML")
    Path config;

    @Option(names = "--management-port", paramLabel = "PORT",
            description = "serve /observe/health (DOWN while sacct fails) and Prometheus /observe/metrics")
    Integer managementPort;

    @Override
    public Integer call() throws Exception {
        CollectorConfig cfg;
        try {
            CollectorConfigLoader.Loaded loaded = CollectorConfigLoader.load(config, System.getenv(), Instant::now);
            loaded.warnings().forEach(w -> System.err.println("auditor-slurm-collector: warning: " + w));
            cfg = loaded.config();
        } catch (ConfigException e) {
            System.err.println("auditor-slurm-collector: configuration error: " + e.getMessage());
            return 2;
        }
        Path routeDir = app != null ? app.routesDirectory() : Path.of("routes");
        if (!Files.isRegularFile(routeDir.resolve(ROUTE_FILE)) || !Files.isRegularFile(routeDir.resolve("slurm.camel.yaml"))) {
            System.err.println("auditor-slurm-collector: " + ROUTE_FILE + " or slurm.camel.yaml not found in "
                    + routeDir.toAbsolutePath() + " (the routes/ of the distribution, or --routes DIR)");
            return 2;
        }
        if (System.getenv("AGENT_LOG_LEVEL") == null) {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(
                    org.apache.logging.log4j.Level.toLevel(cfg.logLevel().toUpperCase(java.util.Locale.ROOT),
                            org.apache.logging.log4j.Level.INFO));
        }
        Outbox outbox;
        try {
            outbox = new Outbox(Path.of(cfg.databasePath()));
        } catch (IllegalStateException e) {
            System.err.println("auditor-slurm-collector: " + e.getMessage());
            return 2;
        }
        CompositeMeterRegistry meters = new CompositeMeterRegistry();
        CollectorStatus status = new CollectorStatus(meters, outbox);
        Main main = new Main();
        main.bind("slurmExec", new SlurmExec(false));
        // routes/slurm.camel.yaml's exec route also names the executor that streams long outputs to a file
        main.bind("fileBackedExec", new FileBackedExecutor());
        main.bind("collectorPoll", new CollectorPoll(cfg, outbox, status, Instant::now));
        main.bind("collectorSender", new CollectorSender(outbox, status, cfg.serverUrl(), cfg.senderBatchSize(),
                new Outbox.Backoff(1000, 60_000), System::currentTimeMillis));
        String dir = "file:" + routeDir.toAbsolutePath();
        main.addOverrideProperty("camel.main.name", "auditor-slurm-collector");
        main.addOverrideProperty("camel.main.routes-include-pattern", dir + "/slurm.camel.yaml," + dir + "/" + ROUTE_FILE);
        main.addOverrideProperty("camel.main.routes-exclude-pattern", "**/none-excluded");
        main.addOverrideProperty("auditor.collector.sacct-period-ms", Long.toString(cfg.sacctFrequency().toMillis()));
        main.addOverrideProperty("auditor.collector.sender-period-ms", Long.toString(cfg.senderFrequency().toMillis()));
        main.addOverrideProperty("auditor.collector.request-timeout-ms", Long.toString(cfg.requestTimeout().toMillis()));
        if (managementPort != null) {
            main.addOverrideProperty("camel.management.enabled", "true");
            main.addOverrideProperty("camel.management.port", managementPort.toString());
            main.addOverrideProperty("camel.management.health-check-enabled", "true");
            main.addOverrideProperty("camel.management.metrics-enabled", "true");
        }
        // SIGTERM: camel-main's shutdown hook stops Camel while the main thread runs afterStop below; the JVM halts
        // once every hook has returned, so this hook holds it until the outbox is closed (else the drain's last
        // step, and its "stopped" line, can be cut off)
        CountDownLatch closed = new CountDownLatch(1);
        Thread holdExit = new Thread(() -> {
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "auditor-slurm-collector-drain");
        Runtime.getRuntime().addShutdownHook(holdExit);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                var ctx = started.getCamelContext();
                HealthCheckHelper.getHealthCheckRegistry(ctx).register(new CollectorHealthCheck(status, outbox));
                MeterRegistry camelMeters = ctx.getRegistry().findSingleByType(MeterRegistry.class);
                if (camelMeters != null) {
                    meters.add(camelMeters);
                }
                System.err.println("auditor-slurm-collector: collecting for " + cfg.serverUrl() + ", sacct every "
                        + cfg.sacctFrequency().toSeconds() + " s, outbox " + cfg.databasePath() + " ("
                        + outbox.pending() + " pending, " + outbox.deadLetters() + " dead letters)");
            }

            @Override
            public void afterStop(BaseMainSupport stopped) {
                // after Camel's graceful shutdown: the poll and the send pass in flight have finished
                System.err.println("auditor-slurm-collector: stopped; " + outbox.pending() + " record(s) wait in the outbox");
                outbox.close();
                closed.countDown();
            }
        });
        try {
            main.run();
        } finally {
            closed.countDown();
        }
        return main.getExitCode();
    }
}
