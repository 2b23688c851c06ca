package org.waldur.agent.accounting;

import java.time.YearMonth;

/** The agent in Europe/Tallinn: east of UTC, after the autumn clock change (25 October): October in summer time (+03), November in winter time (+02). */
class ReportInTallinnRouteTest extends ZonedReportCase {
    @Override
    protected String zone() {
        return "Europe/Tallinn";
    }

    @Override
    protected String localNow() {
        return "2026-11-01T16:00:00";
    }

    @Override
    protected YearMonth current() {
        return YearMonth.parse("2026-11");
    }
}
