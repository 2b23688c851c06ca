package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.BeforeAll;

/** The AUDITOR API contract on the external PostgreSQL of examples/postgres-sandbox ({@code AUDITOR_TEST_PG_URL}). */
class AuditorApiExternalPgIT extends AuditorQueryContract {
    @BeforeAll
    static void start() {
        server = RunningServer.start(StoreKind.EXTERNAL);
    }
}
