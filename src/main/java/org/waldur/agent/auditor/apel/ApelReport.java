package org.waldur.agent.auditor.apel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordsClient;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What to report and the messages for it (auditor.md §5.1): for a GOCDB site and a month, one record query per
 * UTC day × site id × {@code site_meta_field} key, exactly as AUDITOR's plugin asks (jobs count in the month of
 * their stop time; runtime &gt; 0), fed day by day into {@link ApelSummary}. Every report recomputes whole months
 * from the store, because APEL replaces a month's summaries with what it receives last.
 */
public final class ApelReport {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.auditor.apel");
    private final ApelConfig config;
    private final RecordsClient client;

    public ApelReport(ApelConfig config, RecordsClient client) {
        this.config = config;
        this.client = client;
    }

    /**
     * The months a report at {@code now} covers: the current UTC month, preceded by every month since the last
     * report's (so a month whose end was missed during an outage is completed, where AUDITOR's day-of-month
     * heuristic skips it after a month). Never reported: the current month only, as AUDITOR.
     */
    public static List<YearMonth> months(Instant lastReport, Instant now) {
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        List<YearMonth> out = new ArrayList<>();
        if (lastReport.equals(Instant.EPOCH) || !lastReport.isBefore(now)) {
            out.add(current);
            return out;
        }
        for (YearMonth m = YearMonth.from(lastReport.atZone(ZoneOffset.UTC)); !m.isAfter(current); m = m.plusMonths(1)) {
            out.add(m);
        }
        return out;
    }

    /** The site's summary and sync messages over {@code months}, with records up to {@code now}. */
    public ApelSummary build(String gocdbSite, List<YearMonth> months, Instant now) throws IOException {
        ApelSummary summary = new ApelSummary(config, gocdbSite);
        forEachDay(gocdbSite, months, now, summary::addDay);
        summary.skipped().forEach(s -> LOG.warn("{}: left out of the report: {}", gocdbSite, s));
        LOG.info("{}: {} record(s) in {} ({} fetched twice, {} left out)", gocdbSite, summary.records(), months,
                summary.duplicates(), summary.skipped().size());
        return summary;
    }

    /** The site's individual-job messages over {@code months}, each handed to {@code sink} as it fills. */
    public IndividualJobs jobs(String gocdbSite, List<YearMonth> months, Instant now, IndividualJobs.Sink sink) throws IOException {
        IndividualJobs jobs = new IndividualJobs(config, gocdbSite, sink);
        forEachDay(gocdbSite, months, now, jobs::addDay);
        jobs.flush();
        jobs.skipped().forEach(s -> LOG.warn("{}: left out of the report: {}", gocdbSite, s));
        LOG.info("{}: {} job(s) in {} ({} left out)", gocdbSite, jobs.jobs(), months, jobs.skipped().size());
        return jobs;
    }

    private interface Day {
        void accept(List<Record> records) throws IOException;
    }

    private void forEachDay(String gocdbSite, List<YearMonth> months, Instant now, Day day) throws IOException {
        List<String> siteIds = config.sitesToReport().get(gocdbSite);
        if (siteIds == null) {
            throw new IllegalArgumentException("site " + gocdbSite + " is not in site.sites_to_report " + config.sitesToReport().keySet());
        }
        for (YearMonth month : months) {
            for (LocalDate d = month.atDay(1); !d.isAfter(month.atEndOfMonth()); d = d.plusDays(1)) {
                Instant from = d.atStartOfDay(ZoneOffset.UTC).toInstant();
                if (!from.isBefore(now)) {
                    break;
                }
                Instant to = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                List<Record> records = new ArrayList<>();
                for (String siteId : siteIds) {
                    for (String key : config.siteMetaFields()) {
                        client.query(query(from, to, key, siteId), records::add);
                    }
                }
                day.accept(records);
            }
        }
    }

    /** The query AUDITOR's plugin sends through pyauditor (serde_qs order: lt before gte). */
    static String query(Instant from, Instant to, String metaKey, String siteId) {
        return "stop_time[lt]=" + RecordsClient.time(to) + "&stop_time[gte]=" + RecordsClient.time(from)
                + "&runtime[gt]=0&meta[" + RecordsClient.encode(metaKey) + "][c][0]=" + RecordsClient.encode(siteId);
    }
}
