package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With its PostgreSQL gone, the server says so: /health_check 500 (AUDITOR: 200 as long as the process runs and
 * a pooled connection looks fine), writes 500 UNEXPECTED_ERROR, reads 500 — nothing answers 200 without a store.
 */
class AuditorStoreDownTest {
    static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(StoreKind.EMBEDDED);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withoutItsDatabaseNothingAnswers200() throws Exception {
        assertEquals(200, server.get("/health_check").statusCode());
        stopEmbeddedPostgres();

        assertEquals(500, server.get("/health_check").statusCode());
        var add = server.post("/record", Records.json(Records.simple("x", AuditorApiContract.T0, null)));
        assertEquals(500, add.statusCode());
        assertEquals("UNEXPECTED_ERROR", add.body());
        assertEquals(500, server.get("/records").statusCode());
    }

    /** pg_ctl stop on the embedded cluster, as the launcher runs it (through setpriv when we are root). */
    private static void stopEmbeddedPostgres() throws Exception {
        var base = StoreKind.embeddedPath().toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--init-groups", "--"));
        }
        cmd.addAll(List.of(base.resolve("pg-14.22.0/bin/pg_ctl").toString(), "-D", base.resolve("pgdata").toString(),
                "-m", "immediate", "-w", "stop"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
    }
}
