package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportingPeriodsTest {

    private static ZonedDateTime at(String localDateTime, String zone) {
        return ZonedDateTime.of(LocalDateTime.parse(localDateTime), ZoneId.of(zone));
    }

    /**
     * {@code waldurDate} is the instant {@code YYYY-MM-01T12:00Z} shown at the agent zone's offset: at that instant
     * every zone on earth (UTC-12 … UTC+14) is already in, and still in, that month, so Waldur files it there
     * whatever its own TIME_ZONE (waldur-api.md §10.2). Expected values below are worked out by hand from that rule.
     */
    private static void assertPeriod(ReportingPeriod p, String month, String zone, String start, String end,
                                     String waldurDate, boolean current) {
        assertEquals(YearMonth.parse(month), p.month());
        assertEquals(LocalDate.parse(month + "-01"), p.billingPeriod());
        assertEquals(ZoneId.of(zone), p.zone(), "sacct reads its naive window in the agent's zone");
        assertEquals(start, p.sacctStart());
        assertEquals(end, p.sacctEnd());
        assertEquals(OffsetDateTime.parse(waldurDate), p.waldurDate());
        assertEquals(waldurDate, p.waldurDate().toString()); // the offset itself, not just the instant
        assertEquals(current, p.current());
    }

    @Test
    void defaultTwoPeriodsInTallinnAcrossTheAutumnClockChange() {
        List<ReportingPeriod> periods = ReportingPeriods.of(at("2026-11-22T14:00:00", "Europe/Tallinn"), 2);
        assertEquals(2, periods.size());
        // clocks go back on 2026-10-25: 1 Oct 12:00Z is 15:00 summer time (+03), 1 Nov 12:00Z is 14:00 winter time
        assertPeriod(periods.get(0), "2026-10", "Europe/Tallinn", "2026-10-01T00:00:00", "2026-10-31T23:59:59",
                "2026-10-01T15:00+03:00", false);
        assertPeriod(periods.get(1), "2026-11", "Europe/Tallinn", "2026-11-01T00:00:00", "2026-11-30T23:59:59",
                "2026-11-01T14:00+02:00", true);
    }

    @Test
    void lastSecondOfAMonthInNewYorkIsStillThatMonthThoughUtcIsNot() {
        ZonedDateTime now = at("2026-02-28T23:59:59", "America/New_York"); // 2026-03-01T04:59:59Z
        List<ReportingPeriod> periods = ReportingPeriods.of(now, 2);
        assertPeriod(periods.get(0), "2026-01", "America/New_York", "2026-01-01T00:00:00", "2026-01-31T23:59:59",
                "2026-01-01T07:00-05:00", false);
        assertPeriod(periods.get(1), "2026-02", "America/New_York", "2026-02-01T00:00:00", "2026-02-28T23:59:59",
                "2026-02-01T07:00-05:00", true);
    }

    @Test
    void theCurrentMonthWaitsUntilItsDateIsNoLongerInTheFuture() {
        // 1 Mar 00:00 in New York is 05:00Z: March's date (12:00Z) would be a future date, which Waldur refuses
        List<ReportingPeriod> early = ReportingPeriods.of(at("2026-03-01T00:00:00", "America/New_York"), 2);
        assertEquals(List.of(YearMonth.of(2026, 2)), early.stream().map(ReportingPeriod::month).toList());
        assertFalse(early.get(0).current());
        // 07:00 New York = 12:00Z: from then on March is reported; spring-forward (8 March) lies inside March
        List<ReportingPeriod> later = ReportingPeriods.of(at("2026-03-01T07:00:00", "America/New_York"), 2);
        assertEquals(YearMonth.of(2026, 2), later.get(0).month());
        assertPeriod(later.get(1), "2026-03", "America/New_York", "2026-03-01T00:00:00", "2026-03-31T23:59:59",
                "2026-03-01T07:00-05:00", true);
        // east of UTC the month starts before 12:00Z of the 1st: Tallinn 1 Nov 00:30 is 31 Oct 22:30Z
        List<ReportingPeriod> tallinn = ReportingPeriods.of(at("2026-11-01T00:30:00", "Europe/Tallinn"), 2);
        assertEquals(List.of(YearMonth.of(2026, 10)), tallinn.stream().map(ReportingPeriod::month).toList());
    }

    @Test
    void twelveMonthsInAucklandOldestFirstWithBothClockChanges() {
        List<ReportingPeriod> periods = ReportingPeriods.of(at("2026-04-02T01:00:00", "Pacific/Auckland"), 12);
        assertEquals(12, periods.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(YearMonth.of(2025, 5).plusMonths(i), periods.get(i).month());
            assertEquals(i == 11, periods.get(i).current());
        }
        // NZ summer time (+13) from 2025-09-28 to 2026-04-05: 12:00Z on the 1st is already the 2nd in Auckland,
        // still inside the month everywhere
        assertPeriod(periods.get(0), "2025-05", "Pacific/Auckland", "2025-05-01T00:00:00", "2025-05-31T23:59:59",
                "2025-05-02T00:00+12:00", false);
        assertPeriod(periods.get(4), "2025-09", "Pacific/Auckland", "2025-09-01T00:00:00", "2025-09-30T23:59:59",
                "2025-09-02T00:00+12:00", false);
        assertPeriod(periods.get(5), "2025-10", "Pacific/Auckland", "2025-10-01T00:00:00", "2025-10-31T23:59:59",
                "2025-10-02T01:00+13:00", false);
        assertPeriod(periods.get(9), "2026-02", "Pacific/Auckland", "2026-02-01T00:00:00", "2026-02-28T23:59:59",
                "2026-02-02T01:00+13:00", false);
        assertPeriod(periods.get(11), "2026-04", "Pacific/Auckland", "2026-04-01T00:00:00", "2026-04-30T23:59:59",
                "2026-04-02T01:00+13:00", true);
    }

    @Test
    void theDateLiesInTheMonthForTheWestmostAndEastmostZones() {
        for (String server : List.of("Etc/GMT+12", "UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Europe/Tallinn")) {
            for (ReportingPeriod p : ReportingPeriods.of(at("2026-12-20T00:00:00", "Pacific/Kiritimati"), 12)) {
                assertEquals(p.month(), YearMonth.from(p.waldurDate().atZoneSameInstant(ZoneId.of(server))), server);
            }
        }
    }

    @Test
    void halfHourOffsetAndLeapFebruaryInKolkata() {
        List<ReportingPeriod> periods = ReportingPeriods.of(at("2024-02-29T23:59:59", "Asia/Kolkata"), 1);
        assertEquals(1, periods.size());
        assertPeriod(periods.get(0), "2024-02", "Asia/Kolkata", "2024-02-01T00:00:00", "2024-02-29T23:59:59",
                "2024-02-01T17:30+05:30", true);
    }

    @Test
    void februaryLengthFollowsTheGregorianLeapRules() {
        assertEquals("2028-02-29T23:59:59", ReportingPeriods.of(at("2028-02-10T12:00:00", "UTC"), 1).get(0).sacctEnd());
        assertEquals("2100-02-28T23:59:59", ReportingPeriods.of(at("2100-02-10T12:00:00", "UTC"), 1).get(0).sacctEnd());
        assertEquals("2000-02-29T23:59:59", ReportingPeriods.of(at("2000-03-10T12:00:00", "UTC"), 2).get(0).sacctEnd());
    }

    @Test
    void periodsCrossTheYearBoundary() {
        List<ReportingPeriod> periods = ReportingPeriods.of(at("2027-01-01T14:00:00", "Europe/Tallinn"), 3);
        assertEquals(List.of(YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1)),
                periods.stream().map(ReportingPeriod::month).toList());
        assertEquals("2026-12-31T23:59:59", periods.get(1).sacctEnd());
    }

    @Test
    void aMonthWhoseMidnightDoesNotExistStartsTheSacctWindowAtTheFirstLocalTime() {
        // Africa/Cairo jumped from 00:00 +02:00 to 01:00 +03:00 on 2014-08-01; 12:00Z was 15:00 summer time
        ReportingPeriod august = ReportingPeriods.of(at("2014-08-15T12:00:00", "Africa/Cairo"), 1).get(0);
        assertPeriod(august, "2014-08", "Africa/Cairo", "2014-08-01T00:00:00", "2014-08-31T23:59:59",
                "2014-08-01T15:00+03:00", true);
    }

    @Test
    void atLeastOnePeriod() {
        assertThrows(IllegalArgumentException.class, () -> ReportingPeriods.of(at("2026-11-22T14:00:00", "UTC"), 0));
    }

    @Test
    void sameMonthIsJudgedInTheFirstArgumentsZone() {
        ZonedDateTime lastSecond = at("2026-02-28T23:59:59", "America/New_York");
        assertTrue(ReportingPeriods.sameMonth(lastSecond, at("2026-02-01T00:00:00", "America/New_York")));
        assertFalse(ReportingPeriods.sameMonth(lastSecond, lastSecond.plusSeconds(1)));
        // the same instant written in UTC is already March there, but the agent's zone decides
        assertTrue(ReportingPeriods.sameMonth(lastSecond, lastSecond.withZoneSameInstant(ZoneId.of("UTC"))));
        assertFalse(ReportingPeriods.sameMonth(lastSecond, at("2025-02-15T12:00:00", "America/New_York")));
    }

    @Test
    void aBackfillCoversEveryMonthOfItsRangeOldestFirst() {
        ZonedDateTime now = at("2026-10-15T12:00:00", "Europe/Tallinn");
        List<ReportingPeriod> months = ReportingPeriods.range(YearMonth.of(2025, 11), YearMonth.of(2026, 2), now, null);
        assertEquals(List.of(YearMonth.of(2025, 11), YearMonth.of(2025, 12), YearMonth.of(2026, 1), YearMonth.of(2026, 2)),
                months.stream().map(ReportingPeriod::month).toList());
        assertTrue(months.stream().noneMatch(ReportingPeriod::current));
        // Tallinn in winter (+02): 12:00Z on 1 January is 14:00 there
        assertPeriod(months.get(2), "2026-01", "Europe/Tallinn", "2026-01-01T00:00:00", "2026-01-31T23:59:59",
                "2026-01-01T14:00+02:00", false);
        assertTrue(ReportingPeriods.range(YearMonth.of(2026, 10), YearMonth.of(2026, 10), now, null).get(0).current());
        assertThrows(IllegalArgumentException.class, () -> ReportingPeriods.range(YearMonth.of(2026, 3), YearMonth.of(2026, 2), now, null));
        assertThrows(IllegalArgumentException.class, () -> ReportingPeriods.range(YearMonth.of(2026, 9), YearMonth.of(2026, 11), now, null),
                "November has not begun");
    }

    @Test
    void knowingWaldursZoneTheDateIsTheFirstInstantOfTheMonthInBoth() {
        // Tallinn agent, UTC server: November starts at 22:00Z in Tallinn, 00:00Z on the server -> 02:00 Tallinn
        List<ReportingPeriod> tallinn = ReportingPeriods.of(at("2026-11-01T02:00:00", "Europe/Tallinn"), 2, ZoneId.of("UTC"));
        assertPeriod(tallinn.get(1), "2026-11", "Europe/Tallinn", "2026-11-01T00:00:00", "2026-11-30T23:59:59",
                "2026-11-01T02:00+02:00", true);
        // Los Angeles agent, Tallinn server: the later start is Los Angeles' own midnight (still -07:00 then)
        List<ReportingPeriod> la = ReportingPeriods.of(at("2026-11-01T00:00:00", "America/Los_Angeles"), 1, ZoneId.of("Europe/Tallinn"));
        assertPeriod(la.get(0), "2026-11", "America/Los_Angeles", "2026-11-01T00:00:00", "2026-11-30T23:59:59",
                "2026-11-01T00:00-07:00", true);
        // same zone on both sides: midnight on the 1st, reported from the month's first second
        assertEquals(OffsetDateTime.parse("2026-12-01T00:00Z"),
                ReportingPeriods.of(at("2026-12-01T00:00:00", "UTC"), 1, ZoneId.of("UTC")).get(0).waldurDate());
    }
}
