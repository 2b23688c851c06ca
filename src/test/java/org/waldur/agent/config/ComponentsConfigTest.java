package org.waldur.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waldur.agent.App;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** backend_components: missing, misspelt or out of range is a config error naming the key, never "no limits". */
class ComponentsConfigTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
        offerings:
          - name: "HPC"
            waldur_api_url: "http://localhost:8081/api"
            waldur_api_token: "0123456789abcdef0123456789abcdef01234567"
            waldur_offering_uuid: "0b0c1d2e-3f40-5162-7384-95a6b7c8d9e0"
            backend_type: "slurm"
            order_processing_backend: "slurm"
            backend_settings:
              default_account: "root"
              customer_prefix: "hpc_"
              project_prefix: "hpc_"
              allocation_prefix: "hpc_"
        """;

    private String problem(String tail) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, HEAD + tail);
        return assertThrows(ConfigException.class, () -> YamlConfigLoader.load(f, Map.of())).getMessage();
    }

    @Test
    void missingComponentsNameTheKey() throws Exception {
        String m = problem("");
        assertTrue(m.contains("backend_components"), m);
    }

    @Test
    void misspeltComponentsNameTheKey() throws Exception {
        String m = problem("""
                backend_component:
                  cpu: {measured_unit: "k-Hours", unit_factor: 60000, accounting_type: "usage", label: "CPU"}
            """);
        assertTrue(m.contains("backend_components"), m);
    }

    @Test
    void aLimitTooLargeForSlurmNamesItsKey() throws Exception {
        String m = problem("""
                backend_components:
                  cpu: {limit: 1e30, measured_unit: "k-Hours", unit_factor: 60000, accounting_type: "usage", label: "CPU"}
            """);
        assertTrue(m.contains("backend_components.cpu.limit") || m.contains("cpu.limit") || m.contains("limit:"), m);
        assertFalse(m.equals("Overflow"), m);
        String factor = problem("""
                backend_components:
                  cpu: {limit: 10, measured_unit: "k-Hours", unit_factor: 1e30, accounting_type: "usage", label: "CPU"}
            """);
        assertTrue(factor.contains("unit_factor") || factor.contains("limit"), factor);
    }

    @Test
    void aTresTypeWithAColonIsAccepted() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, HEAD + """
                backend_components:
                  gres/gpu:a100: {limit: 10, measured_unit: "GPU-hours", unit_factor: 60, accounting_type: "limit", label: "A100"}
            """);
        assertTrue(YamlConfigLoader.load(f, Map.of()).offerings().get(0).components().containsKey("gres/gpu:a100"));
    }

    @Test
    void theAgentExitsWithTwoAndOneLineWithoutAStackTrace() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, HEAD);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        int rc;
        try {
            rc = new picocli.CommandLine(new App()).execute("--once", "-m", "order_process", "-c", f.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(2, rc);
        String out = captured.toString();
        assertTrue(out.contains("backend_components"), out);
        assertFalse(out.contains("\tat "), out);
    }
}
