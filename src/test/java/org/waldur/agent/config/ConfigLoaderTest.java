package org.waldur.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static final String GOOD = """
        timezone: "Europe/Tallinn"
        reporting_periods: 3
        offerings:
          - name: "Example SLURM Offering"
            waldur_api_url: "http://localhost:8081/api"
            waldur_api_token: "0123456789abcdef0123456789abcdef01234567"
            waldur_offering_uuid: "0b0c1d2e-3f40-5162-7384-95a6b7c8d9e0"
            order_processing_backend: "slurm"
            membership_sync_backend: ""
            reporting_backend: "slurm"
            backend_type: "SLURM"
            future_key: 1
            backend_settings:
              default_account: "root"
              customer_prefix: "hpc_"
              project_prefix: "hpc_"
              allocation_prefix: "hpc_"
              qos_paused: "paused"
            backend_components:
              cpu: {limit: 10, measured_unit: "k-Hours", unit_factor: 60000, accounting_type: "usage", label: "CPU"}
              mem: {limit: 10, measured_unit: "gb-Hours", unit_factor: 61440, accounting_type: "usage", label: "RAM"}
        """;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("waldur-site-agent-config.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void readsTheEventModeKeysOfAStompOffering() throws Exception {
        AgentConfig c = YamlConfigLoader.load(write(GOOD.replace("    future_key: 1\n", """
                    stomp_enabled: true
                    stomp_ws_host: "mq.example.org"
                    stomp_ws_port: 15674
                    stomp_ws_path: "/ws"
                    websocket_use_tls: false
                    stomp_membership_sync_enabled: false
                """)), Map.of("WALDUR_SITE_AGENT_RECONCILIATION_PERIOD_MINUTES", "15"));
        OfferingConfig o = c.offerings().get(0);
        assertTrue(o.stompEnabled());
        assertEquals(new EventSettings("mq.example.org", 15674, "/ws", false, false), o.events());
        assertEquals(15.0, c.periodMinutes().get(Mode.EVENT_PROCESS));
        assertTrue(c.warnings().stream().noneMatch(w -> w.contains("stomp")), () -> "" + c.warnings());
        assertEquals(60.0, YamlConfigLoader.load(write(GOOD), Map.of()).periodMinutes().get(Mode.EVENT_PROCESS),
                "reconciliation every 60 minutes by default");
    }

    @Test
    void aStompPathThatIsNotAPathIsAConfigErrorNamingTheKey() throws Exception {
        Path f = write(GOOD.replace("    future_key: 1\n", "    stomp_ws_path: \"/ws?x=1\"\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> YamlConfigLoader.load(f, Map.of()));
        assertTrue(e.getMessage().contains("stomp_ws_path"), e.getMessage());
    }

    @Test
    void readsTheReferenceSchemaWithDefaults() throws Exception {
        AgentConfig c = YamlConfigLoader.load(write(GOOD), Map.of());
        OfferingConfig o = c.offerings().get(0);
        assertEquals("Europe/Tallinn", c.timezone().getId());
        assertEquals(null, c.waldurTimezone(), "Waldur's zone unstated: the agent assumes nothing about it");
        assertEquals(3, c.reportingPeriods());
        assertEquals(8, c.waldurMaxConcurrentRequests(), "eight items talk to Waldur at once unless told otherwise");
        assertEquals("http://localhost:8081/api/", o.apiUrl().toString(), "trailing slash added");
        assertEquals("0b0c1d2e3f40516273849 5a6b7c8d9e0".replace(" ", ""), o.uuid(), "hyphens removed");
        assertEquals("common", o.slurm().defaultAccountPolicy());
        assertEquals("root", o.slurm().rootAccount(), "root_account falls back to default_account");
        assertEquals("/usr/bin", o.slurm().slurmBinPath());
        assertEquals("normal", o.slurm().qosDefault());
        assertEquals(new BigDecimal("61440"), o.components().get("mem").unitFactor());
        assertTrue(o.handles(Mode.ORDER_PROCESS));
        assertFalse(o.handles(Mode.MEMBERSHIP_SYNC), "empty backend key: the mode skips the offering");
        assertEquals(5.0, c.periodMinutes().get(Mode.ORDER_PROCESS));
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("offerings[0].future_key: unknown key")), () -> "" + c.warnings());
    }

    @Test
    void periodicLimitsAreOffUnlessEnabledAndOnlyGrpOrMaxTresMins() throws Exception {
        assertEquals(PeriodicLimitsSettings.OFF, YamlConfigLoader.load(write(GOOD), Map.of()).offerings().get(0).slurm().periodicLimits());
        String on = GOOD.replace("      allocation_prefix: \"hpc_\"\n", "      allocation_prefix: \"hpc_\"\n"
                + "      periodic_limits: {enabled: true, limit_type: MaxTRESMins, emulator_base_url: \"http://x\"}\n");
        AgentConfig c = YamlConfigLoader.load(write(on), Map.of());
        assertEquals(new PeriodicLimitsSettings(true, "MaxTRESMins"), c.offerings().get(0).slurm().periodicLimits());
        assertTrue(c.warnings().stream().noneMatch(w -> w.contains("periodic_limits")), c.warnings()::toString);
        assertTrue(error(on.replace("MaxTRESMins", "GrpTRES")).contains("periodic_limits.limit_type: must be GrpTRESMins or MaxTRESMins"));
        assertTrue(error(on.replace("enabled: true", "enabled: true, emulator_mode: true")).contains("periodic_limits.emulator_mode: is not supported"));
    }

    @Test
    void tokenNeverPrintsItself() throws Exception {
        OfferingConfig o = YamlConfigLoader.load(write(GOOD), Map.of()).offerings().get(0);
        assertFalse(o.toString().contains("0123456789abcdef"));
        assertFalse(o.token().toString().contains("0123456789abcdef"));
        assertEquals("0123456789abcdef0123456789abcdef01234567", o.token().reveal());
    }

    @Test
    void periodEnvironmentVariablesOverrideTheFile() throws Exception {
        AgentConfig c = YamlConfigLoader.load(write(GOOD), Map.of("WALDUR_SITE_AGENT_ORDER_PROCESS_PERIOD_MINUTES", "0.5"));
        assertEquals(0.5, c.periodMinutes().get(Mode.ORDER_PROCESS));
    }

    private String error(String yaml) throws Exception {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> YamlConfigLoader.load(f, Map.of())).getMessage();
    }

    @Test
    void errorsNameTheFileAndTheKey() throws Exception {
        String file = dir.resolve("waldur-site-agent-config.yaml").toString();
        assertEquals(file + ": offerings[0].waldur_api_url: must start with http:// or https://, not 'localhost:8081'",
                error(GOOD.replace("http://localhost:8081/api", "localhost:8081")));
        assertEquals(file + ": offerings[0].backend_settings.customer_prefix: is required (use \"\" for none)",
                error(GOOD.replace("customer_prefix: \"hpc_\"", "")));
        assertTrue(error(GOOD.replace("Europe/Tallinn", "Mars/Base")).contains(": timezone: 'Mars/Base' is not a time zone"));
        // a bare offset is no zoneinfo name; sacct's TZ= would read "UTC+02:00" as two hours WEST of UTC
        assertTrue(error(GOOD.replace("Europe/Tallinn", "UTC+02:00")).contains(": timezone: 'UTC+02:00' is not a time zone"));
        assertEquals("UTC", YamlConfigLoader.load(write("waldur_timezone: \"UTC\"\n" + GOOD), Map.of()).waldurTimezone().getId());
        assertTrue(error("waldur_timezone: \"Mars/Base\"\n" + GOOD).contains(": waldur_timezone: 'Mars/Base' is not a time zone"));
        assertTrue(error(GOOD.replace("reporting_periods: 3", "reporting_periods: 13")).contains("reporting_periods: must be between 1 and 12"));
        assertTrue(error(GOOD.replace("reporting_periods: 3", "reporting_periods: 3\nwaldur_max_concurrent_requests: 0"))
                .contains("waldur_max_concurrent_requests: must be between 1 and 64"));
        assertTrue(error(GOOD.replace("unit_factor: 60000", "unit_factor: many")).contains("offerings[0].backend_components.cpu.unit_factor: must be a number"));
        assertTrue(error(GOOD.replace("\"0b0c1d2e-3f40-5162-7384-95a6b7c8d9e0\"", "\"nope\"")).contains("waldur_offering_uuid: 'nope' is not a UUID"));
        assertTrue(error(GOOD.replace("allocation_prefix: \"hpc_\"", "allocation_prefix: \"hpc x\"")).contains("allocation_prefix"));
        assertTrue(error(GOOD.replace("default_account: \"root\"", "default_account: \"root,evil\"")).contains("default_account: 'root,evil' is not a safe SLURM account name"));
        assertTrue(error(GOOD + "  - [").contains("not valid YAML"));
        assertTrue(error("offerings: []").contains("offerings: is required"));
    }

    @Test
    void missingFileIsOneClearLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> YamlConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
        assertTrue(e.getMessage().endsWith("nope.yaml: (file): not found"));
    }

    @Test
    void legacyEnvironmentDefinesOneOfferingWithUuidNaming() throws Exception {
        Path tres = dir.resolve("tres.yaml");
        Files.writeString(tres, "cpu: {limit: 16000, measured_unit: 'k-Hours', accounting_type: usage, label: CPU}\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "WALDUR_API_URL", "https://waldur.example.com/api/",
                "WALDUR_API_TOKEN", "abc",
                "WALDUR_OFFERING_UUID", "0b0c1d2e3f405162738495a6b7c8d9e0",
                "WALDUR_SYNC_DIRECTION", "pull",
                "SLURM_TRES_CONFIG_PATH", tres.toString(),
                "SLURM_DEPLOYMENT_TYPE", "docker",
                "SLURM_ALLOCATION_NAME_MAX_LEN", "20",
                "REQUESTS_VERIFY_SSL", "false"));
        assertTrue(LegacyEnvConfig.present(env));
        AgentConfig c = ConfigResolver.resolve(null, env);
        OfferingConfig o = c.offerings().get(0);
        assertTrue(o.slurm().legacyNaming());
        assertEquals(20, o.slurm().allocationNameMaxLen());
        assertEquals(List.of("docker", "exec", "-i", "slurmctld"), o.slurm().commandPrefix());
        assertEquals("waldur", o.slurm().defaultAccount());
        assertFalse(o.verifySsl());
        assertEquals(BigDecimal.ONE, o.components().get("cpu").unitFactor(), "era A limits are raw SLURM units");
        assertEquals(List.of(Mode.ORDER_PROCESS), LegacyEnvConfig.modes(env));
        assertEquals(List.of(Mode.REPORT, Mode.MEMBERSHIP_SYNC), LegacyEnvConfig.modes(Map.of("WALDUR_SYNC_DIRECTION", "push")));
    }

    @Test
    void legacyErrorsNameTheVariable() {
        assertEquals("environment: WALDUR_SYNC_DIRECTION: must be pull or push, not 'sideways'",
                assertThrows(ConfigException.class, () -> LegacyEnvConfig.modes(Map.of("WALDUR_SYNC_DIRECTION", "sideways"))).getMessage());
        Map<String, String> env = Map.of("WALDUR_API_URL", "x", "WALDUR_API_TOKEN", "t",
                "WALDUR_OFFERING_UUID", "0b0c1d2e3f405162738495a6b7c8d9e0", "SLURM_ALLOCATION_NAME_MAX_LEN", "lots");
        assertEquals("environment: SLURM_ALLOCATION_NAME_MAX_LEN: must be a whole number from 8 to 128",
                assertThrows(ConfigException.class, () -> LegacyEnvConfig.load(env)).getMessage());
    }

    @Test
    void theShippedExamplesLoadAsTheyAre() throws Exception {
        AgentConfig yaml = YamlConfigLoader.load(Path.of("examples/waldur-site-agent-config.yaml"), Map.of());
        assertEquals(List.of("cpu", "mem", "gres/gpu"), List.copyOf(yaml.offerings().get(0).components().keySet()));
        assertEquals("individual", yaml.offerings().get(0).slurm().defaultAccountPolicy());
        assertTrue(yaml.offerings().get(0).serviceAccounts(), "service_accounts_sync_enabled: true");
        String text = Files.readString(Path.of("examples/waldur-site-agent-config.yaml"));
        Path off = Files.createTempFile("config", ".yaml");
        Files.writeString(off, text.replace("service_accounts_sync_enabled: true", "service_accounts_sync_enabled: false"));
        assertFalse(YamlConfigLoader.load(off, Map.of()).offerings().get(0).serviceAccounts());
        Files.writeString(off, text.replace("service_accounts_sync_enabled: true", ""));
        assertTrue(YamlConfigLoader.load(off, Map.of()).offerings().get(0).serviceAccounts(), "default true, as the reference");
        Files.delete(off);
        for (String file : List.of("pull", "push")) {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("examples/env/" + file + ".env"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            AgentConfig c = ConfigResolver.resolve(null, env);
            assertTrue(c.offerings().get(0).slurm().legacyNaming(), file);
            assertEquals(file.equals("pull") ? List.of(Mode.ORDER_PROCESS) : List.of(Mode.REPORT, Mode.MEMBERSHIP_SYNC),
                    LegacyEnvConfig.modes(env), file);
        }
    }

    @Test
    void explicitFileWinsOverLegacyEnvironment() throws Exception {
        Path f = write(GOOD);
        AgentConfig c = ConfigResolver.resolve(f.toString(), Map.of("WALDUR_API_URL", "http://other/api/"));
        assertEquals("http://localhost:8081/api/", c.offerings().get(0).apiUrl().toString());
    }
}
