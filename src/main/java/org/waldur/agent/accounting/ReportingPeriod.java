package org.waldur.agent.accounting;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * One calendar month to report, in the agent's configured time zone.
 *
 * @param billingPeriod the {@code billing_period} filter for existing usages: the first day of the month
 * @param zone          the configured {@code timezone}: sacct runs with {@code TZ=} this zone, so it reads the naive
 *                      window below in the same zone as the month was chosen in (not the SLURM host's zone)
 * @param sacctStart    {@code --starttime}, {@code YYYY-MM-01T00:00:00} (naive, read in {@code zone})
 * @param sacctEnd      {@code --endtime}, the last day of the month at {@code T23:59:59}
 * @param waldurDate    the usage {@code date}: {@code YYYY-MM-01T12:00Z} at the zone's offset. Waldur files a usage
 *                      under the month of its date in the server's own TIME_ZONE (waldur-api.md §10.2); at that
 *                      instant it is this month in every zone from UTC-12 to UTC+14, whatever the server runs in
 * @param current       the month of "now", whose data changes while jobs run (errors there are retried)
 */
public record ReportingPeriod(YearMonth month, LocalDate billingPeriod, ZoneId zone, String sacctStart, String sacctEnd,
                              OffsetDateTime waldurDate, boolean current) {
}
