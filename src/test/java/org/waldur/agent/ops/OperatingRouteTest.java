package org.waldur.agent.ops;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;
import org.waldur.agent.config.Mode;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.CapturedLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running agent's operating side on the real routes: every log line about an item carries its mode, offering
 * and order/resource UUID; each completed cycle updates the mode's health state file, the agent-cycles health
 * check and the Prometheus gauges; healthz reads the file the cycle wrote.
 */
class OperatingRouteTest extends AgentRouteTestSupport {
    static final Path STATE = tempDir();
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");

    static Path tempDir() {
        try {
            return Files.createTempDirectory("agent-state");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("agent.state-dir", STATE.toString(), "agent.order-process.period-ms", "60000");
    }

    @Test
    void aLineAboutAnItemNamesItsModeOfferingAndOrder() throws Exception {
        String resource = waldur.addResource(offering, project, "Evil", "x,root", "Creating", null, Map.of());
        String order = waldur.addOrder(offering, resource, "Create", "executing", Map.of("gres/gpu", 5));
        try (CapturedLog log = CapturedLog.attach()) {
            cycle("order-process");
            List<String> lines = log.lines();
            List<Map<String, String>> mdc = log.contexts();
            int i = indexOf(lines, order);
            assertTrue(i >= 0, "a line names the order: " + lines);
            Map<String, String> ctx = mdc.get(i);
            assertEquals("order_process", ctx.get(AgentMdc.MODE), ctx.toString());
            assertEquals("HPC", ctx.get(AgentMdc.OFFERING), ctx.toString());
            assertEquals(order, ctx.get(AgentMdc.ORDER), ctx.toString());
            assertEquals(resource, ctx.get(AgentMdc.RESOURCE), ctx.toString());
        }
    }

    @Test
    void aCompletedCycleIsRecordedForHealthzTheHealthCheckAndPrometheus() throws Exception {
        String resource = waldur.addResource(offering, project, "Evil", "x,root", "Creating", null, Map.of());
        waldur.addOrder(offering, resource, "Create", "executing", Map.of("gres/gpu", 5));
        Files.deleteIfExists(HealthState.file(STATE, Mode.ORDER_PROCESS));
        cycle("order-process");

        HealthState s = HealthState.read(STATE, Mode.ORDER_PROCESS);
        assertNotNull(s, "the cycle wrote " + HealthState.file(STATE, Mode.ORDER_PROCESS));
        assertEquals(1, s.itemsFailed());
        assertEquals(60000, s.periodMs());

        HealthCheck.Result r = HealthCheckHelper.invoke(context).stream()
                .filter(x -> x.getCheck().getId().equals("agent-cycles")).findFirst().orElseThrow();
        assertEquals(HealthCheck.State.UP, r.getState(), r.getMessage().orElse(""));
        assertEquals(1, r.getDetails().get("order_process.items-failed"));

        io.micrometer.core.instrument.MeterRegistry registry = context.getRegistry()
                .findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
        assertEquals(1.0, registry.get("agent.cycle.items.failed").tag("mode", "order_process").gauge().value());
        assertTrue(registry.get("agent.cycle.last.completed.age.seconds").tag("mode", "order_process").gauge().value() < 60);

        CommandRun ok = CommandRun.of(null, "healthz", "-c", configFile.toString(), "-m", "order_process",
                "--state-dir", STATE.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("✔ order_process: last cycle completed") && ok.out().contains("1 item(s) failed"), ok.out());
    }

    private static int indexOf(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i;
            }
        }
        return -1;
    }
}
