package org.waldur.agent.accounting;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The months a report cycle covers (site-agent-behaviour.md §8 step 2: {@code reporting_periods}, default 2). */
public final class ReportingPeriods {
    // explicit seconds: ISO_LOCAL_DATE_TIME would print 00:00 without them
    private static final DateTimeFormatter SACCT_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private ReportingPeriods() {
    }

    /**
     * {@code count} months ending with the month of {@code now} in now's zone, oldest first so that a failure in
     * the current month (which is retried) comes after the past months are done. The current month is left out
     * while its Waldur date still lies ahead (up to 12 hours west of UTC, up to a day and a half east of it, at
     * the start of a month): Waldur refuses future dates, and its usage is reported, in full, by a later cycle.
     */
    public static List<ReportingPeriod> of(ZonedDateTime now, int count) {
        return of(now, count, null);
    }

    /** As {@link #of(ZonedDateTime, int)}, knowing Waldur's TIME_ZONE ({@code waldurZone}; null = unknown). */
    public static List<ReportingPeriod> of(ZonedDateTime now, int count, ZoneId waldurZone) {
        if (count < 1) {
            throw new IllegalArgumentException("reporting periods must be at least 1, was " + count);
        }
        YearMonth current = YearMonth.from(now);
        List<ReportingPeriod> periods = new ArrayList<>(count);
        for (int monthsBack = count - 1; monthsBack >= 0; monthsBack--) {
            ReportingPeriod p = period(current.minusMonths(monthsBack), now.getZone(), monthsBack == 0, waldurZone);
            if (!p.current() || !p.waldurDate().toInstant().isAfter(now.toInstant())) {
                periods.add(p);
            }
        }
        return List.copyOf(periods);
    }

    /**
     * A backfill (the reference's {@code waldur_site_load_historical_usage}): every month from {@code from} to
     * {@code to}, oldest first, in now's zone. Months after the current one cannot have usage and are refused;
     * the current month, when included, follows the same rule as in {@link #of}.
     */
    public static List<ReportingPeriod> range(YearMonth from, YearMonth to, ZonedDateTime now, ZoneId waldurZone) {
        YearMonth current = YearMonth.from(now);
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
        if (to.isAfter(current)) {
            throw new IllegalArgumentException("--to " + to + " lies in the future (this month is " + current + ")");
        }
        List<ReportingPeriod> periods = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
            ReportingPeriod p = period(m, now.getZone(), m.equals(current), waldurZone);
            if (!p.current() || !p.waldurDate().toInstant().isAfter(now.toInstant())) {
                periods.add(p);
            }
        }
        return List.copyOf(periods);
    }

    /**
     * Whether {@code a} and {@code b} fall in the same month as seen in {@code a}'s zone: the guard that skips a
     * resource when the month turned between taking "now" and pulling SLURM data (§8 step 1).
     */
    public static boolean sameMonth(ZonedDateTime a, ZonedDateTime b) {
        return YearMonth.from(a).equals(YearMonth.from(b.withZoneSameInstant(a.getZone())));
    }

    private static ReportingPeriod period(YearMonth month, ZoneId zone, boolean current, ZoneId waldurZone) {
        LocalDateTime start = month.atDay(1).atStartOfDay();
        LocalDateTime end = month.atEndOfMonth().atTime(LocalTime.of(23, 59, 59));
        // noon UTC on the 1st: inside the month in every zone (UTC-12 … UTC+14), so the server's TIME_ZONE cannot
        // move it into the previous month; shown at the agent zone's offset so logs read in the agent's time
        Instant date = month.atDay(1).atTime(LocalTime.NOON).toInstant(ZoneOffset.UTC);
        if (waldurZone != null) {
            // Waldur's zone known: the first instant that is this month both here and there
            Instant here = month.atDay(1).atStartOfDay(zone).toInstant();
            Instant there = month.atDay(1).atStartOfDay(waldurZone).toInstant();
            date = here.isAfter(there) ? here : there;
        }
        OffsetDateTime waldurDate = date.atZone(zone).toOffsetDateTime();
        return new ReportingPeriod(month, month.atDay(1), zone, start.format(SACCT_TIME), end.format(SACCT_TIME),
                waldurDate, current);
    }
}
