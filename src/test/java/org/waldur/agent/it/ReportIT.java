package org.waldur.agent.it;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report against the real SLURM: real jobs, one --once cycle, Waldur holds what sacct says. */
class ReportIT extends ItSupport {
    /** Waldur unit = one SLURM TRES-minute, so a few seconds of jobs give figures that survive 2-decimal rounding. */
    static final String MINUTE_COMPONENTS = """
                  cpu: {measured_unit: "cpu-minutes", unit_factor: 1, accounting_type: "usage", label: "CPU"}
                  mem: {measured_unit: "MB-minutes", unit_factor: 1, accounting_type: "usage", label: "RAM"}
                  gres/gpu: {measured_unit: "GPU-minutes", unit_factor: 1, accounting_type: "usage", label: "GPU"}
            """;

    @Test
    void waldurReceivesExactlyTheUsageSacctMeasured() throws Exception {
        Path config = config(countingBin(null).toString(), "", MINUTE_COMPONENTS);
        String project = waldur.addProject(waldur.addCustomer("University", "uni"), "Climate", "climate");
        // SLURM keeps job history after an account is removed: fresh names per run, so earlier runs' jobs don't count
        String run1 = "ita_r1" + Long.toString(System.currentTimeMillis(), 36);
        String run2 = "ita_r2" + Long.toString(System.currentTimeMillis(), 36);
        for (String a : List.of(run1, run2)) {
            RealSlurm.sacctmgr("add", "account", a, "parent=root", "cluster=" + RealSlurm.CLUSTER);
            RealSlurm.sacctmgr("add", "user", "alice,bob", "account=" + a, "cluster=" + RealSlurm.CLUSTER);
        }
        String r1 = waldur.addResource(offering, project, "R1", "r1", "OK", run1, Map.of());
        String r2 = waldur.addResource(offering, project, "R2", "r2", "OK", run2, Map.of());
        String aliceUser = waldur.addOfferingUser(offering, waldur.addUser("alice", "Alice"), "alice", "OK");

        String j1 = Jobs.submit("alice", run1, "-n", "1", "--mem=100M", "--gres=gpu:1", "--wrap", "sleep 3");
        String j2 = Jobs.submit("bob", run1, "-n", "2", "--mem=200M", "--wrap", "sleep 2");
        String j3 = Jobs.submit("bob", run2, "-n", "1", "--mem=300M", "--gres=gpu:2", "--wrap", "sleep 4");
        for (String j : List.of(j1, j2, j3)) {
            Jobs.waitFinished(j);
            Jobs.accountingRow(j, "Account,ReqTRES");
        }

        Files.deleteIfExists(slurmLog);
        AgentProcess.Run run = AgentProcess.run(Map.of(), "--once", "-m", "report", "-c", config.toString());
        System.out.println(run.output());
        assertEquals(0, run.rc());

        String month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).toString();
        for (String[] r : new String[][]{{r1, run1}, {r2, run2}}) {
            Map<String, Map<String, BigDecimal>> expected = expected(r[1], List.of(j1, j2, j3));
            Map<String, BigDecimal> total = new TreeMap<>();
            expected.values().forEach(u -> u.forEach((k, v) -> total.merge(k, v, BigDecimal::add)));
            for (String type : List.of("cpu", "mem", "gres/gpu")) {
                BigDecimal want = total.getOrDefault(type, BigDecimal.ZERO).setScale(2, RoundingMode.HALF_UP);
                assertEquals(want.doubleValue(), usage(r[0], month, type), 1e-9, r[1] + " " + type + " (sacct: " + expected + ")");
            }
            for (Map.Entry<String, Map<String, BigDecimal>> user : expected.entrySet()) {
                for (Map.Entry<String, BigDecimal> v : user.getValue().entrySet()) {
                    assertEquals(v.getValue().setScale(2, RoundingMode.HALF_UP).doubleValue(), userUsage(r[0], month, v.getKey(), user.getKey()), 1e-9,
                            r[1] + " " + user.getKey() + " " + v.getKey());
                }
            }
        }
        assertTrue(waldur.componentUserUsages(r1).stream().anyMatch(u -> "alice".equals(u.get("username"))
                && String.valueOf(u.get("user")).contains(aliceUser)), "alice's usage names her offering user");
        List<String> calls = RealSlurm.logLines(slurmLog);
        assertEquals(2, calls.stream().filter(c -> c.startsWith("sacct ")).count(), "one sacct per month for both accounts: " + calls);
        assertEquals(1, calls.stream().filter(c -> c.startsWith("sacctmgr ")).count(), "one limits read: " + calls);
        waldur.assertNoViolations();
    }

    /** user → TRES → TRES-minutes, from sacct's raw fields: ElapsedRaw (s) × ReqTRES count (mem in MB). */
    private static Map<String, Map<String, BigDecimal>> expected(String account, List<String> jobs) throws InterruptedException {
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        for (String j : jobs) {
            String[] f = Jobs.accountingRow(j, "Account,User,ElapsedRaw,ReqTRES").split("\\|");
            if (!f[0].equals(account)) {
                continue;
            }
            BigDecimal minutes = new BigDecimal(f[2]).divide(BigDecimal.valueOf(60), 20, RoundingMode.HALF_UP);
            for (String pair : f[3].split(",")) {
                String[] kv = pair.split("=");
                if (List.of("cpu", "mem", "gres/gpu").contains(kv[0])) {
                    BigDecimal count = new BigDecimal(kv[1].replaceAll("[MG]$", "")).multiply(kv[1].endsWith("G") ? BigDecimal.valueOf(1024) : BigDecimal.ONE);
                    out.computeIfAbsent(f[1], u -> new TreeMap<>()).merge(kv[0], count.multiply(minutes), BigDecimal::add);
                }
            }
        }
        return out;
    }

    private double usage(String resource, String month, String type) {
        return waldur.componentUsages(resource).stream()
                .filter(u -> month.equals(u.get("billing_period")) && type.equals(u.get("type")))
                .mapToDouble(u -> ((Number) u.get("usage")).doubleValue()).findFirst().orElse(-1);
    }

    private double userUsage(String resource, String month, String type, String user) {
        return waldur.componentUserUsages(resource).stream()
                .filter(u -> month.equals(u.get("billing_period")) && type.equals(u.get("component_type")) && user.equals(u.get("username")))
                .mapToDouble(u -> ((Number) u.get("usage")).doubleValue()).findFirst().orElse(-1);
    }
}
