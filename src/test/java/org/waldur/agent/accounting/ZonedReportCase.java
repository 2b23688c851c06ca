package org.waldur.agent.accounting;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.FakeSlurm;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One agent {@code timezone}, "now" pinned just after a month began, end to end through the fake Waldur whose
 * own TIME_ZONE varies: every month's usage (totals and per user) must be stored under that month, and sacct
 * must read each window in the agent's zone. Subclasses pick the zone and the moment (issue 10).
 */
abstract class ZonedReportCase extends AgentRouteTestSupport {
    private final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");

    /** The agent's zone. */
    protected abstract String zone();

    /** "Now", local time in {@link #zone()}: inside {@link #current()}. */
    protected abstract String localNow();

    /** The month "now" falls in, in the agent's zone; the previous month is reported too. */
    protected abstract YearMonth current();

    @Override
    protected String timezone() {
        return zone();
    }

    @Override
    protected Map<String, String> extraProperties() {
        String instant = LocalDateTime.parse(localNow()).atZone(ZoneId.of(zone())).toInstant().toString();
        return Map.of("agent.fixed-now", instant);
    }

    @Test
    void utcServerFilesEachMonthUnderItself() throws Exception {
        reportsEachMonthUnderItself("UTC");
    }

    @Test
    void tallinnServerFilesEachMonthUnderItself() throws Exception {
        reportsEachMonthUnderItself("Europe/Tallinn");
    }

    @Test
    void losAngelesServerFilesEachMonthUnderItself() throws Exception {
        reportsEachMonthUnderItself("America/Los_Angeles");
    }

    private void reportsEachMonthUnderItself(String serverZone) throws Exception {
        waldur.setServerTimeZone(ZoneId.of(serverZone));
        FakeSlurm.Acct a = new FakeSlurm.Acct();
        a.parent = "root";
        slurm.accounts.put("hpc_tz1", a);
        String alloc = waldur.addResource(offering, project, "hpc_tz1", "hpc_tz1", "OK", "hpc_tz1", Map.of());
        YearMonth previous = current().minusMonths(1);
        // 1000 cpu-hours in the previous month, 3000 in this one: 60000 cpu-minutes = 1 k-Hour
        slurm.sacctRows.put(previous.toString(), List.of("hpc_tz1|cpu=1000|01:00:00|alice"));
        slurm.sacctRows.put(current().toString(), List.of("hpc_tz1|cpu=1000|03:00:00|alice"));

        cycle("report");

        assertEquals(Map.of(previous + "-01", 1.0, current() + "-01", 3.0), cpuByPeriod(waldur.componentUsages(alloc), "billing_period"));
        assertEquals(Map.of(previous + "-01", 1.0, current() + "-01", 3.0),
                cpuByPeriod(waldur.componentUserUsages(alloc).stream().filter(u -> "alice".equals(u.get("username"))).toList(),
                        "billing_period"), "alice's per-user usage lands in the same months");
        ZoneId agent = ZoneId.of(zone());
        assertEquals(List.of(
                        new FakeSlurm.Window(previous.atDay(1).atStartOfDay(agent), previous.atEndOfMonth().atTime(23, 59, 59).atZone(agent)),
                        new FakeSlurm.Window(current().atDay(1).atStartOfDay(agent), current().atEndOfMonth().atTime(23, 59, 59).atZone(agent))),
                slurm.sacctWindows, "sacct reads each month in the agent's zone");

        long posts = setUsagePosts();
        cycle("report");
        assertEquals(posts, setUsagePosts(), "a second cycle finds both months in Waldur and posts nothing");
        waldur.assertNoViolations();
    }

    private long setUsagePosts() {
        return waldur.requests().stream().filter(r -> r.path().endsWith("/set_usage/")).count();
    }

    private static Map<String, Double> cpuByPeriod(List<Map<String, Object>> rows, String periodKey) {
        return rows.stream().filter(r -> "cpu".equals(r.get("type")) || "cpu".equals(r.get("component_type")))
                .collect(java.util.stream.Collectors.toMap(r -> String.valueOf(r.get(periodKey)),
                        r -> ((Number) r.get("usage")).doubleValue()));
    }
}
