package org.waldur.agent.accounting;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The length of a prepaid ({@code accounting_type: one}) allocation in months, which its GrpTRESMins budget is
 * multiplied by: SLURM holds one cumulative budget, Waldur a monthly limit (site-agent-behaviour.md §7.1; the
 * reference's {@code _calculate_duration_months}, "the same logic as Waldur"). Whole months between the day the
 * resource was created and its {@code end_date}, plus one when the end day-of-month lies past the created
 * day-of-month, at least one.
 */
public final class PrepaidTerm {
    private PrepaidTerm() {
    }

    public static int months(LocalDate created, LocalDate endDate) {
        int months = (endDate.getYear() - created.getYear()) * 12 + (endDate.getMonthValue() - created.getMonthValue());
        if (endDate.getDayOfMonth() > created.getDayOfMonth()) {
            months++;
        }
        return Math.max(1, months);
    }

    /**
     * Months from Waldur's {@code created} (a date-time; its date as written, like the reference's
     * {@code created.date()}) to {@code end_date} ({@code YYYY-MM-DD}); null when either is missing, so the
     * budget is one month's limit and the caller warns.
     */
    public static Integer months(String created, String endDate) {
        if (created == null || created.isBlank() || endDate == null || endDate.isBlank()) {
            return null;
        }
        try {
            return months(OffsetDateTime.parse(created).toLocalDate(), LocalDate.parse(endDate));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("cannot read the prepaid term from created '" + created + "' and end_date '" + endDate + "'", e);
        }
    }
}
