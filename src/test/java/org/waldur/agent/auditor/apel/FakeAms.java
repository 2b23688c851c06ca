package org.waldur.agent.auditor.apel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An ARGO-AMS-compatible endpoint for the APEL tests: HTTPS that demands a client certificate from the test CA,
 * {@code GET /v1/service-types/ams/hosts/<host>:authx509} → a token, {@code POST
 * /v1/projects/<p>/topics/<t>:publish} with that token → message ids. It keeps each published message and the
 * client certificate's subject, and answers 400 to a publish whose shape is wrong, as AMS does.
 */
final class FakeAms implements AutoCloseable {
    static final String TOKEN = "s3cr3t-ams-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    final HttpsServer server;
    final List<JsonNode> published = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    volatile int failNextPublishes;

    FakeAms(TestCa ca) throws Exception {
        Path[] server = ca.host("ams", "localhost");
        SmimeSigner id = SmimeSigner.fromPem(server[0], server[1]);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("ams", id.privateKey(), new char[0], new Certificate[]{id.certificate(), ca.caCert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca.caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        this.server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                requests.add(ex.getRequestMethod() + " " + path);
                clientSubjects.add(((java.security.cert.X509Certificate) ((HttpsExchange) ex).getSSLSession()
                        .getPeerCertificates()[0]).getSubjectX500Principal().getName());
                if (ex.getRequestMethod().equals("GET") && path.equals("/v1/service-types/ams/hosts/localhost:authx509")) {
                    reply(ex, 200, "{\"token\":\"" + TOKEN + "\"}");
                } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/projects/accounting/topics/gLite-APEL:publish")) {
                    if (!TOKEN.equals(ex.getRequestHeaders().getFirst("x-api-key"))) {
                        reply(ex, 401, "{\"error\":{\"code\":401,\"message\":\"Unauthorized\"}}");
                        return;
                    }
                    if (failNextPublishes > 0) {
                        failNextPublishes--;
                        reply(ex, 503, "{\"error\":{\"code\":503}}");
                        return;
                    }
                    JsonNode body = JSON.readTree(ex.getRequestBody());
                    JsonNode msgs = body.path("messages");
                    if (!msgs.isArray() || msgs.size() != 1 || !msgs.get(0).path("data").isTextual()
                            || !msgs.get(0).path("attributes").path("empaid").isTextual()) {
                        reply(ex, 400, "{\"error\":{\"code\":400,\"message\":\"bad message\"}}");
                        return;
                    }
                    published.add(msgs.get(0));
                    reply(ex, 200, "{\"messageIds\":[\"" + published.size() + "\"]}");
                } else {
                    reply(ex, 404, "{\"error\":{\"code\":404}}");
                }
            }
        });
        this.server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        // one request per connection: the JDK server and client racing over a kept-alive TLS connection lost a
        // response under load (the client timed out, retried, and the message was published twice)
        ex.getResponseHeaders().set("Connection", "close");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
