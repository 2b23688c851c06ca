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

    /** The site's messages over {@code months}, with records up to {@code now}. */
    public ApelSummary build(String gocdbSite, List<YearMonth> months, Instant now) throws IOException {
        List<String> siteIds = config.sitesToReport().get(gocdbSite);
        if (siteIds == null) {
            throw new IllegalArgumentException("site " + gocdbSite + " is not in site.sites_to_report " + config.sitesToReport().keySet());
        }
        ApelSummary summary = new ApelSummary(config, gocdbSite);
        for (YearMonth month : months) {
            for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
                Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                if (!from.isBefore(now)) {
                    break;
                }
                Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                List<Record> records = new ArrayList<>();
                for (String siteId : siteIds) {
                    for (String key : config.siteMetaFields()) {
                        client.query(query(from, to, key, siteId), records::add);
                    }
                }
                summary.addDay(records);
            }
        }
        summary.skipped().forEach(s -> LOG.warn("{}: left out of the report: {}", gocdbSite, s));
        LOG.info("{}: {} record(s) in {} ({} fetched twice, {} left out)", gocdbSite, summary.records(), months,
                summary.duplicates(), summary.skipped().size());
        return summary;
    }

    /** The query AUDITOR's plugin sends through pyauditor (serde_qs order: lt before gte). */
    static String query(Instant from, Instant to, String metaKey, String siteId) {
        return "stop_time[lt]=" + RecordsClient.time(to) + "&stop_time[gte]=" + RecordsClient.time(from)
                + "&runtime[gt]=0&meta[" + RecordsClient.encode(metaKey) + "][c][0]=" + RecordsClient.encode(siteId);
    }
}
