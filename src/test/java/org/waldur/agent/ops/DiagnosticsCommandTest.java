package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.ConfigYaml;
import org.waldur.agent.support.FakeSlurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diagnostics against the OpenAPI-validating fake Waldur, with SLURM answered by the stateful FakeSlurm. */
class DiagnosticsCommandTest {
    static final String TOKEN = LoadComponentsCommandTest.TOKEN;
    final FakeWaldur waldur = FakeWaldur.start(TOKEN);
    final FakeSlurm slurm = new FakeSlurm();
    final String offering = waldur.addOffering("HPC", List.of(
            new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
            new FakeWaldur.Component("mem", "RAM", "usage", "gb-Hours", 61440),
            new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), Map.of("auto_approve", true));
    final String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Climate", "climate");
    final String present = waldur.addResource(offering, project, "Alloc", "alloc", "OK", "hpc_alloc", Map.of());
    final String missing = waldur.addResource(offering, project, "Gone", "gone", "OK", "hpc_gone", Map.of());

    DiagnosticsCommandTest() {
        slurm.accounts.put("hpc_alloc", new FakeSlurm.Acct());
    }

    @AfterEach
    void close() {
        waldur.close();
    }

    Path config(String url, String token, String extraSettings, String offeringExtra) throws Exception {
        String settings = LoadComponentsCommandTest.SETTINGS + extraSettings;
        String yaml = ConfigYaml.of(url, token, offering, settings, ConfigYaml.COMPONENTS);
        if (!offeringExtra.isEmpty()) {
            yaml = yaml.replace("    backend_type: \"slurm\"\n", "    backend_type: \"slurm\"\n" + offeringExtra);
        }
        Path f = Files.createTempFile("diagnostics", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void oneLinePerCheckAndAMissingAccountFailsTheRun() throws Exception {
        Path cfg = config(waldur.apiUrl(), TOKEN, "      cluster_name: \"sandbox\"\n", "");
        CommandRun r = CommandRun.of(slurm, "diagnostics", "-c", cfg.toString());
        String out = r.out();
        assertEquals(1, r.exit(), out + r.err());
        assertTrue(out.contains("✔ Waldur reachable: " + waldur.apiUrl()), out);
        assertTrue(out.contains("✔ credential valid: API token of user ") && out.contains("CUSTOMER.OWNER on customer HPC Provider"), out);
        assertTrue(out.contains("✔ offering: 'HPC' type Marketplace.Slurm, state Active"), out);
        assertTrue(out.contains("✔ plugin options: {\"auto_approve\":true}"), out);
        assertTrue(out.contains("✔ components in Waldur"), out);
        assertTrue(out.contains("✔ mode order_process: serves this offering"), out);
        assertTrue(out.contains("✔ SLURM reachable: clusters [sandbox], cluster_name sandbox among them"), out);
        assertTrue(out.contains("✔ TRES: every component is a TRES"), out);
        assertTrue(out.contains("✘ resources in SLURM: 1 of 2 OK resource(s) have no SLURM account: hpc_gone of " + missing), out);
        assertFalse(out.contains(present), "the present account is not listed: " + out);
        waldur.assertNoViolations();

        slurm.accounts.put("hpc_gone", new FakeSlurm.Acct());
        CommandRun ok = CommandRun.of(slurm, "diagnostics", "-c", cfg.toString());
        assertEquals(0, ok.exit(), ok.out());
        assertTrue(ok.out().contains("✔ resources in SLURM: 2 OK resource(s), each backend_id is a SLURM account"), ok.out());
        assertFalse(ok.out().contains("✘"), ok.out());
    }

    @Test
    void skippedModesSayWhyAndUnknownTresAndClustersFail() throws Exception {
        Path cfg = config(waldur.apiUrl(), TOKEN, "      cluster_name: \"elsewhere\"\n", "    stomp_enabled: true\n");
        slurm.tres.remove("gres/gpu");
        slurm.accounts.put("hpc_gone", new FakeSlurm.Acct());
        CommandRun r = CommandRun.of(slurm, "diagnostics", "-c", cfg.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("✔ mode order_process: skips this offering: stomp_enabled: true"), r.out());
        assertTrue(r.out().contains("✔ mode membership_sync: skips this offering: stomp_enabled: true"), r.out());
        assertTrue(r.out().contains("✔ mode report: serves this offering"), r.out());
        assertTrue(r.out().contains("✘ SLURM reachable: clusters [sandbox], but cluster_name elsewhere is not one of them"), r.out());
        assertTrue(r.out().contains("✘ TRES: components SLURM does not know: [gres/gpu]"), r.out());
    }

    @Test
    void aRejectedTokenAndAnUnreachableWaldurAreChecksNotCrashes() throws Exception {
        CommandRun bad = CommandRun.of(slurm, "diagnostics", "-c", config(waldur.apiUrl(), "f".repeat(40), "", "").toString());
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("✔ Waldur reachable: " + waldur.apiUrl() + " answered HTTP 401"), bad.out());
        assertTrue(bad.out().contains("✘ credential valid: API token rejected"), bad.out());
        assertFalse(bad.out().contains("f".repeat(40)), "the token never appears");

        int port = waldur.port();
        waldur.close();
        CommandRun down = CommandRun.of(slurm, "diagnostics", "-c",
                config("http://127.0.0.1:" + port + "/api/", TOKEN, "", "").toString());
        assertEquals(1, down.exit(), down.out());
        assertTrue(down.out().contains("✘ Waldur reachable: http://127.0.0.1:" + port + "/api/"), down.out());
        assertTrue(down.out().contains("✔ SLURM reachable"), "SLURM is still checked: " + down.out());
    }

    @Test
    void jsonForScripts() throws Exception {
        slurm.accounts.put("hpc_gone", new FakeSlurm.Acct());
        CommandRun r = CommandRun.of(slurm, "diagnostics", "--json", "-c", config(waldur.apiUrl(), TOKEN, "", "").toString());
        assertEquals(0, r.exit(), r.out());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertTrue(doc.path("ok").asBoolean());
        JsonNode o = doc.path("offerings").get(0);
        assertEquals(offering, o.path("uuid").asText());
        boolean found = false;
        for (JsonNode c : o.path("checks")) {
            found |= c.path("check").asText().equals("resources in SLURM") && c.path("ok").asBoolean();
        }
        assertTrue(found, r.out());
    }
}
