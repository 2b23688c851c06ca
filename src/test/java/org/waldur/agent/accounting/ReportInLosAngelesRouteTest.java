package org.waldur.agent.accounting;

import java.time.YearMonth;

/** The agent in America/Los_Angeles: west of UTC, on the day summer time ended (1 November, 02:00). */
class ReportInLosAngelesRouteTest extends ZonedReportCase {
    @Override
    protected String zone() {
        return "America/Los_Angeles";
    }

    @Override
    protected String localNow() {
        return "2026-11-01T12:00:00";
    }

    @Override
    protected YearMonth current() {
        return YearMonth.parse("2026-11");
    }
}
