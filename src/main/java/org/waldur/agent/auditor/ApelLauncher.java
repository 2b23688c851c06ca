package org.waldur.agent.auditor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.apel.AmsClient;
import org.waldur.agent.auditor.apel.ApelConfig;
import org.waldur.agent.auditor.apel.ApelReport;
import org.waldur.agent.auditor.apel.ApelSummary;
import org.waldur.agent.auditor.apel.IndividualJobs;
import org.waldur.agent.auditor.apel.ReportState;
import org.waldur.agent.auditor.apel.SmimeSigner;
import org.waldur.agent.auditor.record.RecordsClient;
import org.waldur.agent.config.ConfigException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * {@code auditor-apel-publish -c CONFIG [--dry-run] [--once]} and {@code auditor-apel-republish -y Y -m M -s SITE
 * -c CONFIG [--dry-run]}, AUDITOR's two APEL commands (auditor.md §5.1). Publish loops: when
 * {@code report_interval} has passed since the state file's last report, it sends each GOCDB site's sync and
 * summary messages for the whole month (months, after an outage), then records the report time. Dry runs print
 * the unsigned messages and send and record nothing.
 *
 * <p>One cycle is a handful of HTTP requests spread over hours, so it runs as a plain loop here rather than
 * as a Camel route: there is no exchange to route, and the state file is the only memory between cycles.
 */
public final class ApelLauncher {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.auditor.apel");

    private ApelLauncher() {
    }

    public static int publish(Path configFile, boolean dryRun, boolean once, Clock clock, PrintStream out) throws Exception {
        ApelConfig config = load(configFile);
        if (config == null) {
            return 2;
        }
        RecordsClient records = new RecordsClient(config.auditorUrl(), config.auditorTimeout());
        ReportState state = new ReportState(Path.of(config.timeJsonPath()));
        ApelReport report = new ApelReport(config, records);
        AmsClient ams = null;
        SmimeSigner signer = null;
        if (!dryRun) {
            signer = SmimeSigner.fromPem(Path.of(config.messaging().clientCert()), Path.of(config.messaging().clientKey()));
            ams = new AmsClient(config.messaging(), signer, clock);
        }
        while (true) {
            Instant last = state.lastReport();
            Instant now = clock.instant();
            Duration since = Duration.between(last, now);
            if (!dryRun && since.compareTo(config.reportInterval()) < 0) {
                Duration wait = config.reportInterval().minus(since);
                LOG.info("last report {}: next one in {}", last, wait);
                if (once) {
                    return 0;
                }
                Thread.sleep(wait.toMillis());
                continue;
            }
            List<YearMonth> months = ApelReport.months(last, now);
            boolean allSent = true;
            for (String site : config.sitesToReport().keySet()) {
                try {
                    if (config.individualJobs()) {
                        sendJobs(report, site, months, now, dryRun, signer, ams, out);
                        continue;
                    }
                    ApelSummary s = report.build(site, months, now);
                    if (s.isEmpty()) {
                        LOG.warn("{}: no records in {}", site, months);
                        continue;
                    }
                    if (dryRun) {
                        out.print(s.syncMessage());
                        out.print(s.summaryMessage());
                        continue;
                    }
                    LOG.info("{}: sync message sent: {}", site, ams.publish(signer.sign(s.syncMessage())));
                    LOG.info("{}: summary message sent: {}", site, ams.publish(signer.sign(s.summaryMessage())));
                } catch (IOException e) {
                    allSent = false;
                    LOG.error("{}: report not sent, tried again next cycle: {}", site, e.getMessage());
                }
            }
            if (dryRun) {
                return 0;
            }
            if (allSent) {
                state.save(now);
            }
            if (once) {
                return allSent ? 0 : 1;
            }
            Thread.sleep(allSent ? config.reportInterval().toMillis() : Math.min(config.reportInterval().toMillis(), 600_000));
        }
    }

    /** Individual-job messages as they fill, then the sync message of the same jobs. */
    private static void sendJobs(ApelReport report, String site, List<YearMonth> months, Instant now, boolean dryRun,
                                 SmimeSigner signer, AmsClient ams, PrintStream out) throws IOException {
        IndividualJobs jobs = report.jobs(site, months, now, message -> {
            if (dryRun) {
                out.print(message);
            } else {
                LOG.info("{}: job message sent: {}", site, ams.publish(signer.sign(message)));
            }
        });
        if (jobs.jobs() == 0) {
            LOG.warn("{}: no records in {}", site, months);
        } else if (dryRun) {
            out.print(jobs.syncMessage());
        } else {
            LOG.info("{}: sync message sent: {}", site, ams.publish(signer.sign(jobs.syncMessage())));
        }
    }

    public static int republish(Path configFile, int year, int month, String site, boolean dryRun, Clock clock,
                                PrintStream out) throws Exception {
        ApelConfig config = load(configFile);
        if (config == null) {
            return 2;
        }
        if (!config.sitesToReport().containsKey(site)) {
            System.err.println("auditor-apel-republish: site " + site + " is not in site.sites_to_report "
                    + config.sitesToReport().keySet());
            return 2;
        }
        if (month < 1 || month > 12) {
            System.err.println("auditor-apel-republish: month " + month + " is not 1..12");
            return 2;
        }
        ApelReport report = new ApelReport(config, new RecordsClient(config.auditorUrl(), config.auditorTimeout()));
        if (config.individualJobs()) {
            SmimeSigner signer = dryRun ? null : SmimeSigner.fromPem(Path.of(config.messaging().clientCert()),
                    Path.of(config.messaging().clientKey()));
            sendJobs(report, site, List.of(YearMonth.of(year, month)), clock.instant(), dryRun, signer,
                    dryRun ? null : new AmsClient(config.messaging(), signer, clock), out);
            return 0;
        }
        ApelSummary s = report.build(site, List.of(YearMonth.of(year, month)), clock.instant());
        if (s.isEmpty()) {
            LOG.warn("{}: no records in {}-{}", site, year, month);
            return 0;
        }
        if (dryRun) {
            out.print(s.summaryMessage());
            return 0;
        }
        SmimeSigner signer = SmimeSigner.fromPem(Path.of(config.messaging().clientCert()), Path.of(config.messaging().clientKey()));
        LOG.info("{}: summary message for {}-{} sent: {}", site, year, month,
                new AmsClient(config.messaging(), signer, clock).publish(signer.sign(s.summaryMessage())));
        return 0;
    }

    private static ApelConfig load(Path configFile) {
        try {
            ApelConfig c = ApelConfig.load(configFile);
            c.warnings().forEach(w -> System.err.println("auditor-apel: warning: " + w));
            return c;
        } catch (ConfigException e) {
            System.err.println("auditor-apel: configuration error: " + e.getMessage());
            return null;
        }
    }
}
