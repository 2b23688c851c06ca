package org.waldur.agent.accounting;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One resource's usage for one reporting month, in Waldur units (2 decimals): the account total per component
 * and each SLURM user's share. Built from SLURM, sent to Waldur by routes/report.camel.yaml.
 */
public final class PeriodUsage {
    private final String resourceUuid;
    private final String account;
    private final ReportingPeriod period;
    private final Map<String, BigDecimal> amounts;
    private final Map<String, Map<String, BigDecimal>> byUser;

    public PeriodUsage(String resourceUuid, String account, ReportingPeriod period, Map<String, BigDecimal> amounts,
                       Map<String, Map<String, BigDecimal>> byUser) {
        this.resourceUuid = resourceUuid;
        this.account = account;
        this.period = period;
        this.amounts = amounts;
        this.byUser = byUser;
    }

    public String getResourceUuid() {
        return resourceUuid;
    }

    public String getAccount() {
        return account;
    }

    public String getBillingPeriod() {
        return period.billingPeriod().toString();
    }

    public ReportingPeriod period() {
        return period;
    }

    public boolean isCurrent() {
        return period.current();
    }

    public Map<String, BigDecimal> amounts() {
        return amounts;
    }

    /** SLURM user → component type → usage, in Waldur units. */
    public Map<String, Map<String, BigDecimal>> byUser() {
        return byUser;
    }

    /** The usage {@code date}: the first of the month at the configured zone's offset. */
    public String date() {
        return period.waldurDate().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** {@code set_usage} body: {resource, date, usages: [{type, amount: "x.xx"}]}. */
    public Map<String, Object> getSetUsageBody() {
        List<Map<String, String>> usages = new ArrayList<>();
        amounts.forEach((type, amount) -> usages.add(Map.of("type", type, "amount", amount.toPlainString())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resource", resourceUuid);
        body.put("date", date());
        body.put("usages", usages);
        return body;
    }

    /**
     * {@code set_user_usages} body for one component: every SLURM user with a value, with the offering user's URL
     * where Waldur has one for that username. Null when no user has usage of that component.
     */
    public Map<String, Object> userUsagesBody(String type, Map<String, String> offeringUserUrls) {
        List<Map<String, String>> usages = new ArrayList<>();
        byUser.forEach((user, values) -> {
            BigDecimal v = values.get(type);
            if (v != null && !user.isEmpty()) {
                Map<String, String> u = new LinkedHashMap<>();
                u.put("username", user);
                u.put("usage", v.toPlainString());
                u.put("date", date());
                String url = offeringUserUrls.get(user);
                if (url != null) {
                    u.put("user", url);
                }
                usages.add(u);
            }
        });
        return usages.isEmpty() ? null : Map.of("usages", usages);
    }

    @Override
    public String toString() {
        return account + " " + period.month() + " " + amounts;
    }
}
