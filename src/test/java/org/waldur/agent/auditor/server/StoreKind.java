package org.waldur.agent.auditor.server;

import org.waldur.agent.auditor.server.config.ServerSettings;

import java.net.URI;
import java.nio.file.Path;

/**
 * The two stores every record-server suite runs against: the embedded PostgreSQL (a fixed data directory under
 * the temp dir, reused between runs) and the external PostgreSQL that examples/postgres-sandbox/start.sh starts,
 * named by {@code AUDITOR_TEST_PG_URL=postgresql://user:password@host:port/database}. Without that variable the
 * external suites are skipped — except in CI ({@code CI=true}), where they fail: the sandbox should be there.
 */
public enum StoreKind {
    EMBEDDED, EXTERNAL;

    public static final String PG_URL_VARIABLE = "AUDITOR_TEST_PG_URL";

    public static Path embeddedPath() {
        return Path.of(System.getProperty("java.io.tmpdir"), "waldur-camel-agent-auditor-test");
    }

    /**
     * An embedded store in a directory of its own: for suites that stop and restart it while other suites (other
     * engineers' runs too) use {@link #embeddedPath()}, whose start stops a server it finds running there.
     */
    public static ServerSettings.Database embeddedAt(Path path) {
        return new ServerSettings.Database(true, path, "nobody", "127.0.0.1", 0, "postgres", null, "auditor", false);
    }

    /** The database section for this store, or null when the external one is not configured. */
    public ServerSettings.Database database() {
        if (this == EMBEDDED) {
            return embeddedAt(embeddedPath());
        }
        String url = System.getenv(PG_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return null;
        }
        URI u = URI.create(url);
        String[] userInfo = u.getUserInfo() == null ? new String[]{"postgres", ""} : u.getUserInfo().split(":", 2);
        return new ServerSettings.Database(false, embeddedPath(), "nobody", u.getHost(),
                u.getPort() < 0 ? 5432 : u.getPort(), userInfo[0], userInfo.length > 1 ? userInfo[1] : "",
                u.getPath().substring(1), false);
    }
}
