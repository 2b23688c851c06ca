package org.waldur.agent.accounting;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;

/**
 * One calendar month to report, in the agent's configured time zone.
 *
 * @param billingPeriod the {@code billing_period} filter for existing usages: the first day of the month
 * @param sacctStart    {@code --starttime}, {@code YYYY-MM-01T00:00:00} (naive: sacct reads it in its host's zone)
 * @param sacctEnd      {@code --endtime}, the last day of the month at {@code T23:59:59}
 * @param waldurDate    the usage {@code date}: the first of the month at 00:00 with the zone's offset of that moment
 * @param current       the month of "now", whose data changes while jobs run (errors there are retried)
 */
public record ReportingPeriod(YearMonth month, LocalDate billingPeriod, String sacctStart, String sacctEnd,
                              OffsetDateTime waldurDate, boolean current) {
}
