package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.fake.WaldurBroker;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Periodic limits from the distribution against the real SLURM and the real RabbitMQ: the fake Waldur publishes
 * RESOURCE_PERIODIC_LIMITS as Waldur's policy does; what counts is what {@code sacctmgr} shows afterwards and the
 * report Waldur received.
 */
class PeriodicLimitsIT {
    private static final String PERIODIC = """
                  periodic_limits:
                    enabled: true
            """;

    /** Account|Fairshare|GrpTRESMins|MaxTRESMins of the account association, as sacctmgr prints it. */
    private static String[] account(String name) {
        String out = RealSlurm.sacctmgr("show", "association", "where", "account=" + name, "format=Account,User,Fairshare,GrpTRESMins,MaxTRESMins",
                "cluster=" + RealSlurm.CLUSTER);
        return out.lines().map(l -> l.split("\\|", -1)).filter(f -> f.length >= 5 && f[0].equals(name) && f[1].isEmpty())
                .findFirst().orElseThrow(() -> new AssertionError("no account row for " + name + ":\n" + out));
    }

    @Test
    void eventProcessAppliesFairshareLimitsAndResetAndReportsToWaldur() throws Exception {
        try (EventRig rig = new EventRig(PERIODIC, true)) {
            rig.launchAgent();
            rig.waitFor(() -> rig.count("event stream connected") >= 5, 120_000, "5 event streams connected");
            String order = rig.order("plim");
            rig.waitFor(() -> rig.done(order), 60_000, "order done");
            String resource = (String) rig.waldur.order(order).get("marketplace_resource_uuid");
            assertEquals(Map.of("cpu", 600000L, "mem", 614400L, "gres/gpu", 120L), ItSupport.limits(account("eva_plim")[3]), "the order's limits");
            String policy = rig.waldur.addPeriodicPolicy(rig.offering);

            rig.waldur.publishPeriodicLimits(policy, resource, Map.of("fairshare", 500, "limit_type", "GrpTRESMins",
                    // mem 614400 MB-minutes is the 600G SLURM prints: unchanged, not written
                    "grp_tres_mins", Map.of("billing", 60000, "cpu", 900000, "mem", 614400), "reset_raw_usage", true,
                    "qos_threshold", Map.of("billing", 60000)));
            rig.waitFor(() -> rig.waldur.periodicCommandResults().size() == 1, 60_000, "the report");
            String[] a = account("eva_plim");
            assertEquals("500", a[2], "Fairshare");
            assertEquals(Map.of("cpu", 900000L, "mem", 614400L, "billing", 60000L, "gres/gpu", 120L), ItSupport.limits(a[3]),
                    "GrpTRESMins: cpu changed, billing added, the rest kept");
            Map<String, Object> report = rig.waldur.periodicCommandResults().get(0);
            assertEquals(true, report.get("success"), report::toString);
            assertEquals(resource, report.get("resource_uuid"));
            List<?> commands = (List<?>) report.get("commands_executed");
            assertEquals(2, commands.size(), commands::toString);
            assertTrue(commands.get(0).toString().endsWith("<<< Account - 'eva_plim':Fairshare='500':GrpTRESMins='billing=60000,cpu=900000'"), commands::toString);
            assertTrue(commands.get(1).toString().endsWith("modify account where name=eva_plim cluster=sandbox set RawUsage=0"), commands::toString);

            // the next period: per-job budget instead, same fairshare (not written again)
            rig.waldur.publishPeriodicLimits(policy, resource, Map.of("fairshare", 500, "limit_type", "MaxTRESMins",
                    "max_tres_mins", Map.of("billing", 700)));
            rig.waitFor(() -> rig.waldur.periodicCommandResults().size() == 2, 60_000, "the second report");
            assertEquals("billing=700", account("eva_plim")[4], "MaxTRESMins");
            List<?> second = (List<?>) rig.waldur.periodicCommandResults().get(1).get("commands_executed");
            assertEquals(1, second.size(), second::toString);
            assertTrue(second.get(0).toString().endsWith("<<< Account - 'eva_plim':MaxTRESMins='billing=700'"), "fairshare unchanged, not written: " + second);
            FakeWaldur.EventQueue q = rig.waldur.eventQueues().stream().filter(e -> e.type().equals("resource_periodic_limits")).findFirst().orElseThrow();
            rig.waitFor(() -> rig.broker.depth(q.vhost(), q.name()).equals(new WaldurBroker.QueueDepth(0, 0)), 30_000, "both acknowledged");
            rig.waldur.assertNoViolations();
        }
    }

    @Test
    void pollingAloneStillListensForPeriodicLimits() throws Exception {
        try (EventRig rig = new EventRig(PERIODIC, false)) {
            rig.modes = "order_process";
            String order = rig.order("plpoll"); // the first poll at start creates it
            rig.launchAgent();
            rig.waitFor(() -> rig.done(order), 120_000, "order done by polling");
            rig.waitFor(() -> rig.count("event stream connected") >= 1, 120_000, "the periodic limits stream connected");
            assertEquals(List.of("resource_periodic_limits"), rig.waldur.eventQueues().stream().map(FakeWaldur.EventQueue::type).toList());
            String resource = (String) rig.waldur.order(order).get("marketplace_resource_uuid");
            String policy = rig.waldur.addPeriodicPolicy(rig.offering);

            rig.waldur.publishPeriodicLimits(policy, resource, Map.of("fairshare", 321, "grp_tres_mins", Map.of("billing", 4242)));
            rig.waitFor(() -> rig.waldur.periodicCommandResults().size() == 1, 60_000, "the report");
            String[] a = account("eva_plpoll");
            assertEquals("321", a[2]);
            assertTrue(a[3].contains("billing=4242"), a[3]);
            assertEquals(true, rig.waldur.periodicCommandResults().get(0).get("success"));
            rig.waldur.assertNoViolations();
        }
    }
}
