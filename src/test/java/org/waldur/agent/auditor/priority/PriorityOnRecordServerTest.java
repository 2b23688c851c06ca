package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.PriorityPluginLauncher;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.server.RunningServer;
import org.waldur.agent.auditor.server.StoreKind;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The priority plugin against OUR record server (the shipped routes, the embedded PostgreSQL store) holding
 * AUDITOR's 7-record fixture, posted through the server's own API: the golden priorities of auditor.md §4.3
 * must come out of the plugin reading what the server streams back, in both computation modes.
 */
class PriorityOnRecordServerTest {
    private static RunningServer server;

    @BeforeAll
    static void startServerWithTheFixture() throws Exception {
        server = RunningServer.start(StoreKind.EMBEDDED);
        HttpResponse<String> r = server.post("/records",
                RecordJson.MAPPER.writeValueAsString(PriorityPluginRouteTest.fixture()));
        assertEquals(200, r.statusCode(), r.body());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void fullSpread() throws Exception {
        Path dir = Files.createTempDirectory("prio-server");
        Path config = PriorityPluginRouteTest.config(dir, server.port, "FullSpread", "");
        assertEquals(0, PriorityPluginLauncher.run(config, Path.of("routes"), true));
        assertEquals(PriorityPluginRouteTest.FULL_SPREAD, PriorityPluginRouteTest.out(dir));
    }

    @Test
    void scaledBySum() throws Exception {
        Path dir = Files.createTempDirectory("prio-server");
        Path config = PriorityPluginRouteTest.config(dir, server.port, "ScaledBySum", "");
        assertEquals(0, PriorityPluginLauncher.run(config, Path.of("routes"), true));
        assertEquals(PriorityPluginRouteTest.SCALED_BY_SUM, PriorityPluginRouteTest.out(dir));
    }
}
