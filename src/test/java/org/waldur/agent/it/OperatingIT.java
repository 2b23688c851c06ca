package org.waldur.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged launcher running as a service would: --management-port, JSON logs, a 3 s order_process period
 * against the real SLURM. Its completed cycles show in /observe/health and /observe/metrics, healthz passes while
 * it runs and fails once it has been stopped for more than twice the period, and the JSON lines about the order
 * carry mode, offering and order.
 */
class OperatingIT extends ItSupport {
    @Test
    void healthEndpointsMetricsHealthzAndJsonLogsOfARunningAgent() throws Exception {
        String project = waldur.addProject(waldur.addCustomer("Uni", "uni"), "Ops", "ops");
        String resource = waldur.addResource(offering, project, "Ops", "ops-health", "Creating", null, Map.of("gres/gpu", 1));
        String order = waldur.addOrder(offering, resource, "Create", "pending-provider", Map.of("gres/gpu", 1));
        Path cfg = config("/usr/bin", "");
        Path state = Files.createTempDirectory("agent-state");
        Map<String, String> env = Map.of("WALDUR_SITE_AGENT_ORDER_PROCESS_PERIOD_MINUTES", "0.05");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("agent.log");
        Process agent = AgentProcess.builder(log, env, "-m", "order_process", "-c", cfg.toString(),
                "--management-port", Integer.toString(port), "--state-dir", state.toString(), "--log-format", "json").start();
        try {
            Path file = state.resolve("order_process.json");
            for (int i = 0; i < 180 && !(Files.exists(file) && "done".equals(waldur.order(order).get("state"))); i++) {
                Thread.sleep(500);
            }
            assertEquals("done", waldur.order(order).get("state"), () -> read(log));
            Thread.sleep(4000); // one more cycle after the order, so the state file is the idle cycle's

            HttpClient http = HttpClient.newHttpClient();
            String health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(health.contains("agent-cycles") && health.contains("order_process.last-cycle-age-seconds")
                    && health.contains("order_process.items-failed"), health);
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("agent_cycle_last_completed_age_seconds{mode=\"order_process\"")
                    && metrics.contains("agent_cycle_items_failed{mode=\"order_process\"} 0.0"), metrics);

            AgentProcess.Run healthy = AgentProcess.run(env, "healthz", "-c", cfg.toString(), "-m", "order_process",
                    "--state-dir", state.toString());
            assertEquals(0, healthy.rc(), healthy.output());
            assertTrue(healthy.output().contains("✔ order_process: last cycle completed"), healthy.output());
        } finally {
            agent.destroy();
            agent.waitFor();
        }
        ObjectMapper json = new ObjectMapper();
        boolean itemLine = false;
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("{")) {
                continue; // the JVM's own lines, if any
            }
            JsonNode n = json.readTree(line);
            itemLine |= order.equals(n.path("order").asText()) && "order_process".equals(n.path("mode").asText())
                    && "HPC".equals(n.path("offering").asText());
        }
        assertTrue(itemLine, "a JSON line about the order names it, its mode and offering: " + read(log));

        Thread.sleep(7000); // more than twice the 3 s period since the last completed cycle
        AgentProcess.Run stale = AgentProcess.run(env, "healthz", "-c", cfg.toString(), "-m", "order_process",
                "--state-dir", state.toString());
        assertEquals(1, stale.rc(), stale.output());
        assertTrue(stale.output().contains("more than twice the period"), stale.output());
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
