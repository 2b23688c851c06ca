package org.waldur.agent.auditor.apel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.RecordsClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * The steps of one publish cycle (routes/auditor-apel.camel.yaml): is a report due, which sites, each site's
 * messages built and sent (signed, to AMS — or printed unsigned in a dry run), then the state file. A site that
 * cannot be read or sent fails alone; the report time is recorded only when every site was sent, so the next
 * cycle re-sends the whole month (APEL replaces, so nothing is counted twice).
 */
public final class ApelPublisher {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.auditor.apel");
    private final ApelConfig config;
    private final boolean dryRun;
    private final Clock clock;
    private final PrintStream out;
    private final ReportState state;
    private final ApelReport report;
    private final SmimeSigner signer;
    private final AmsClient ams;
    private volatile Instant cycleStart;
    private volatile List<YearMonth> months;
    private volatile boolean allSent;
    private volatile int failedCycles;
    private volatile Runnable onCycleDone = () -> { };

    public ApelPublisher(ApelConfig config, boolean dryRun, Clock clock, PrintStream out) throws IOException {
        this.config = config;
        this.dryRun = dryRun;
        this.clock = clock;
        this.out = out;
        this.state = new ReportState(Path.of(config.timeJsonPath()));
        this.report = new ApelReport(config, new RecordsClient(config.auditorUrl(), config.auditorTimeout()));
        this.signer = dryRun ? null : SmimeSigner.fromPem(Path.of(config.messaging().clientCert()),
                Path.of(config.messaging().clientKey()));
        this.ams = dryRun ? null : new AmsClient(config.messaging(), signer, clock);
    }

    public void onCycleDone(Runnable r) {
        onCycleDone = r;
    }

    /** The GOCDB sites to report now; none while report_interval has not passed since the last report. */
    public List<String> dueSites() {
        Instant last;
        try {
            last = state.lastReport();
        } catch (IOException e) {
            LOG.error("cannot read the state file {}: {}; no report this cycle", config.timeJsonPath(), e.getMessage());
            failedCycles++;
            cycleStart = null;
            return List.of();
        }
        Instant now = clock.instant();
        Duration since = Duration.between(last, now);
        if (!dryRun && since.compareTo(config.reportInterval()) < 0) {
            LOG.info("last report {}: next one in {}", last, config.reportInterval().minus(since));
            cycleStart = null;
            return List.of();
        }
        cycleStart = now;
        months = ApelReport.months(last, now);
        allSent = true;
        return List.copyOf(config.sitesToReport().keySet());
    }

    /** One site's messages for the cycle's months: built, then sent or printed. Never throws. */
    public void site(String site) {
        try {
            if (config.individualJobs()) {
                jobs(site);
                return;
            }
            ApelSummary s = report.build(site, months, cycleStart);
            if (s.isEmpty()) {
                LOG.warn("{}: no records in {}", site, months);
                return;
            }
            if (dryRun) {
                out.print(s.syncMessage());
                out.print(s.summaryMessage());
                return;
            }
            LOG.info("{}: sync message sent: {}", site, ams.publish(signer.sign(s.syncMessage())));
            LOG.info("{}: summary message sent: {}", site, ams.publish(signer.sign(s.summaryMessage())));
        } catch (IOException | RuntimeException e) {
            allSent = false;
            LOG.error("{}: report not sent, tried again next cycle: {}", site, e.getMessage());
        }
    }

    private void jobs(String site) throws IOException {
        IndividualJobs jobs = report.jobs(site, months, cycleStart, message -> {
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

    /** Records the report when every site was sent (never in a dry run). */
    public void cycleDone() {
        try {
            if (cycleStart != null && !dryRun) {
                if (allSent) {
                    state.save(cycleStart);
                } else {
                    failedCycles++;
                }
            }
        } catch (IOException e) {
            failedCycles++;
            LOG.error("cannot write the state file {}: {}; the month is sent again next cycle", config.timeJsonPath(), e.getMessage());
        } finally {
            onCycleDone.run();
        }
    }

    public int failedCycles() {
        return failedCycles;
    }

    /** {@code auditor-apel-republish}: one month's summary (or job) messages of one site; no sync, no state. */
    public void republish(String site, YearMonth month) throws IOException {
        cycleStart = clock.instant();
        months = List.of(month);
        if (config.individualJobs()) {
            jobs(site);
            return;
        }
        ApelSummary s = report.build(site, months, cycleStart);
        if (s.isEmpty()) {
            LOG.warn("{}: no records in {}", site, month);
        } else if (dryRun) {
            out.print(s.summaryMessage());
        } else {
            LOG.info("{}: summary message for {} sent: {}", site, month, ams.publish(signer.sign(s.summaryMessage())));
        }
    }
}
