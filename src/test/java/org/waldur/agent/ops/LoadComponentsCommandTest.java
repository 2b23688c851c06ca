package org.waldur.agent.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.ConfigYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** load-components against the OpenAPI-validating fake Waldur: the diff, --dry-run, the writes, idempotence. */
class LoadComponentsCommandTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    static final String SETTINGS = """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "hpc_"
                  project_prefix: "hpc_"
                  allocation_prefix: "hpc_"
            """;
    final FakeWaldur waldur = FakeWaldur.start(TOKEN);
    // Waldur has cpu with another unit, and a component the config does not mention.
    final String offering = waldur.addOffering("HPC", List.of(
            new FakeWaldur.Component("cpu", "CPU", "usage", "Hours", 1),
            new FakeWaldur.Component("storage", "Storage", "limit", "GB", 1)), Map.of());

    @AfterEach
    void close() {
        waldur.close();
    }

    Path config() throws Exception {
        Path f = Files.createTempFile("load-components", ".yaml");
        Files.writeString(f, ConfigYaml.of(waldur.apiUrl(), TOKEN, offering, SETTINGS, ConfigYaml.COMPONENTS));
        return f;
    }

    Map<String, Object> component(String type) {
        return waldur.offeringComponents(offering).stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(null);
    }

    @Test
    void dryRunShowsTheDiffAndWritesNothing() throws Exception {
        CommandRun r = CommandRun.of(null, "load-components", "-c", config().toString(), "--dry-run");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("~ update cpu: measured_unit Hours → k-Hours"), r.out());
        assertTrue(r.out().contains("+ create mem: billing_type=usage, type=mem, name=RAM, measured_unit=gb-Hours, limit_amount=10"), r.out());
        assertTrue(r.out().contains("+ create gres/gpu"), r.out());
        assertTrue(r.out().contains("? storage is in Waldur but not in backend_components (left as is)"), r.out());
        assertTrue(r.out().contains("DRY-RUN: 3 change(s) not sent"), r.out());
        assertEquals(0, waldur.count("POST", ".*_offering_component/"));
        assertEquals("Hours", component("cpu").get("measured_unit"));
        waldur.assertNoViolations();
    }

    @Test
    void createsAndUpdatesThenHasNothingLeftToDo() throws Exception {
        Path cfg = config();
        CommandRun r = CommandRun.of(null, "-c", cfg.toString(), "load-components");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(2, waldur.count("POST", ".*/create_offering_component/"));
        assertEquals(1, waldur.count("POST", ".*/update_offering_component/"));
        assertEquals("k-Hours", component("cpu").get("measured_unit"));
        assertEquals(10, ((Number) component("cpu").get("limit_amount")).intValue());
        assertEquals("RAM", component("mem").get("name"));
        assertEquals("usage", component("mem").get("billing_type"));
        assertEquals("limit", component("gres/gpu").get("billing_type"));
        assertEquals("GPU-hours", component("gres/gpu").get("measured_unit"));
        assertTrue(component("storage") != null, "components only Waldur has are never removed");
        waldur.assertNoViolations();

        waldur.clearRequests();
        CommandRun again = CommandRun.of(null, "load-components", "-c", cfg.toString());
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("= cpu unchanged") && again.out().contains("= mem unchanged")
                && again.out().contains("= gres/gpu unchanged"), again.out());
        assertEquals(0, waldur.count("POST", ".*"));
    }

    @Test
    void aRefusedWriteFailsTheRunWithWaldursMessage() throws Exception {
        waldur.failMatching("POST", ".*/create_offering_component/", 400, 1);
        CommandRun r = CommandRun.of(null, "load-components", "-c", config().toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("✘ mem: Waldur POST /api/marketplace-provider-offerings/" + offering
                + "/create_offering_component/ answered HTTP 400: {\"detail\":\"Injected fault (HTTP 400).\"}"), r.out());
        assertTrue(r.out().contains("✔ created gres/gpu"), "the other changes are still made: " + r.out());
    }

    @Test
    void aConfigErrorExitsTwoWithoutAStackTrace() throws Exception {
        Path bad = Files.createTempFile("bad", ".yaml");
        Files.writeString(bad, "offerings: []\n");
        CommandRun r = CommandRun.of(null, "load-components", "-c", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("configuration error") && r.err().contains("offerings"), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }

    @Test
    void helpListsTheExitCodes() {
        CommandRun r = CommandRun.of(null, "load-components", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Exit codes:") && r.out().contains("2   configuration error"), r.out());
    }
}
