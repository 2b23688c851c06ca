package org.waldur.agent.accounting;

import java.time.YearMonth;

/** The agent in UTC: a day after the month began; with the old midnight date a Los Angeles server filed it under October. */
class ReportInUtcRouteTest extends ZonedReportCase {
    @Override
    protected String zone() {
        return "UTC";
    }

    @Override
    protected String localNow() {
        return "2026-11-02T00:30:00";
    }

    @Override
    protected YearMonth current() {
        return YearMonth.parse("2026-11");
    }
}
