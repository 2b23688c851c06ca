package org.waldur.agent.auditor.server;

import org.junit.jupiter.api.BeforeAll;

/** The AUDITOR API contract on the embedded PostgreSQL (the default store). */
class AuditorApiEmbeddedTest extends AuditorQueryContract {
    @BeforeAll
    static void start() {
        server = RunningServer.start(StoreKind.EMBEDDED);
    }
}
