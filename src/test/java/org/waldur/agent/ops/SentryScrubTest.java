package org.waldur.agent.ops;

import com.sun.net.httpserver.HttpServer;
import io.sentry.Sentry;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Sentry SDK really sends, captured by a local endpoint behind the DSN: an ERROR log line and its
 * exception arrive, with the API token, the OIDC secret, bearer tokens and Authorization headers scrubbed.
 */
class SentryScrubTest {
    static final String TOKEN = LoadComponentsCommandTest.TOKEN;
    static final String SECRET = "client-secret-7f3a9c";

    @Test
    void errorsReachSentryWithoutCredentials() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
        server.createContext("/", ex -> {
            byte[] raw = ex.getRequestBody().readAllBytes();
            bodies.add(ex.getRequestURI().getPath() + "\n" + decode(raw, ex.getRequestHeaders().getFirst("Content-Encoding")));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            String dsn = "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/42";
            Logging.enableSentry(dsn, "ci-test", "waldur-camel-agent@test", List.of(TOKEN, SECRET));
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("org.waldur.agent.test");
            log.info("calling Waldur with Authorization: Token {}", TOKEN);
            log.error("offering HPC failed, header Authorization: Token {} and secret {}", TOKEN, SECRET,
                    new IllegalStateException("answered 401 for Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig with " + SECRET));
            Sentry.flush(10_000);
        } finally {
            Sentry.close();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            ctx.getConfiguration().getRootLogger().removeAppender("sentry");
            ctx.updateLoggers();
            server.stop(0);
        }
        String sent = String.join("\n", bodies);
        assertTrue(sent.contains("/api/42/envelope/"), "the SDK posted an envelope: " + sent);
        assertTrue(sent.contains("offering HPC failed"), sent);
        assertTrue(sent.contains("ci-test"), "SENTRY_ENVIRONMENT: " + sent);
        assertTrue(sent.contains("IllegalStateException"), sent);
        assertTrue(sent.contains("calling Waldur"), "the INFO line travels as a breadcrumb: " + sent);
        assertFalse(sent.contains(TOKEN), sent);
        assertFalse(sent.contains(SECRET), sent);
        assertFalse(sent.contains("eyJhbGciOiJSUzI1NiJ9"), sent);
        assertTrue(sent.contains("Token ****") || sent.contains("Authorization: ****"), sent);
    }

    private static String decode(byte[] raw, String encoding) throws IOException {
        if ("gzip".equalsIgnoreCase(encoding)) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new String(raw, StandardCharsets.UTF_8);
    }
}
