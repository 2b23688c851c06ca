package org.waldur.agent.it;

import org.junit.jupiter.api.Test;
import org.waldur.agent.App;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * diagnostics against the real SLURM: the cluster, its TRES and its accounts as sacctmgr reports them, in three
 * SLURM processes per offering whatever the number of resources.
 */
class DiagnosticsIT extends ItSupport {
    @Test
    void findsTheClusterTheTresAndTheResourceWithoutAnAccount() throws Exception {
        RealSlurm.Result add = RealSlurm.run(List.of("sacctmgr", "-i", "add", "account", "ita_diag",
                "cluster=" + RealSlurm.CLUSTER, "description=diagnostics IT", "organization=itc_diag"), null);
        assertEquals(0, add.rc(), add.out());
        String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Diag", "diag");
        waldur.addResource(offering, project, "Present", "present", "OK", "ita_diag", Map.of());
        String absent = waldur.addResource(offering, project, "Absent", "absent", "OK", "ita_absent", Map.of());
        Path cfg = config(countingBin(null).toString(), "");

        StringWriter out = new StringWriter();
        CommandLine cli = App.commandLine();
        cli.setOut(new PrintWriter(out, true));
        long start = System.nanoTime();
        int exit = cli.execute("diagnostics", "-c", cfg.toString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        String text = out.toString();
        System.out.println(text + "diagnostics took " + ms + " ms");

        assertEquals(1, exit, text);
        assertTrue(text.contains("✔ SLURM reachable: clusters [") && text.contains("cluster_name sandbox among them"), text);
        assertTrue(text.contains("✔ TRES: every component is a TRES of `sacctmgr list tres` [cpu, mem, gres/gpu]"), text);
        assertTrue(text.contains("✘ resources in SLURM: 1 of 2 OK resource(s) have no SLURM account: ita_absent of " + absent), text);
        List<String> calls = RealSlurm.logLines(slurmLog);
        assertEquals(3, calls.size(), "list cluster, list tres, list account: " + calls);
        waldur.assertNoViolations();
    }
}
