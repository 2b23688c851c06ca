package org.waldur.agent.auditor.apel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Publishes to an ARGO Messaging Service topic as argo-ams-library does for AUDITOR's plugin (auditor.md §5.5):
 * a token from {@code GET /v1/service-types/ams/hosts/<host>:authx509} on {@code host:port} with the host
 * certificate as TLS client certificate, then {@code POST /v1/projects/<project>/topics/<topic>:publish} with
 * {@code {"messages":[{"attributes":{"empaid":"YYYYMMDD/YYYYMMDDHHMMSS"},"data":"<base64>"}]}}. Transport errors
 * and 5xx are retried {@code retry} times; other answers are errors at once.
 */
public final class AmsClient {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.auditor.apel");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EMPAID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private final ApelConfig.Messaging cfg;
    private final HttpClient http;
    private final Clock clock;

    public AmsClient(ApelConfig.Messaging cfg, SmimeSigner identity, Clock clock) throws IOException {
        this.cfg = cfg;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(cfg.timeout()).sslContext(ssl(cfg, identity)).build();
    }

    private static SSLContext ssl(ApelConfig.Messaging cfg, SmimeSigner identity) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("host", identity.privateKey(), pw, new Certificate[]{identity.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (cfg.caCert() != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                try (InputStream in = Files.newInputStream(Path.of(cfg.caCert()))) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ts.setCertificateEntry("ca" + i++, c);
                    }
                }
                tmf.init(ts);
            } else {
                tmf.init((KeyStore) null);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS with the host certificate: " + e.getMessage(), e);
        }
    }

    /** The message attribute APEL uses to name a message: UTC date / UTC date-time. */
    public String empaid() {
        String now = EMPAID.format(clock.instant().atZone(ZoneOffset.UTC));
        return now.substring(0, 8) + "/" + now;
    }

    /** Publishes one signed message; returns the AMS answer (message ids). */
    public String publish(String signedMessage) throws IOException {
        String token = withRetry("AMS authentication", this::token);
        ObjectNode body = JSON.createObjectNode();
        ObjectNode m = body.putArray("messages").addObject();
        m.putObject("attributes").put("empaid", empaid());
        m.put("data", Base64.getEncoder().encodeToString(signedMessage.getBytes(StandardCharsets.UTF_8)));
        String url = cfg.scheme() + "://" + cfg.host() + ":" + cfg.publishPort() + "/v1/projects/" + enc(cfg.project())
                + "/topics/" + enc(cfg.topic()) + ":publish";
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(cfg.timeout())
                .header("Content-Type", "application/json").header("x-api-key", token)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return withRetry("AMS publish", () -> send(req));
    }

    private String token() throws IOException {
        String url = cfg.scheme() + "://" + cfg.host() + ":" + cfg.port() + "/v1/service-types/ams/hosts/"
                + enc(cfg.host()) + ":authx509";
        String answer = send(HttpRequest.newBuilder(URI.create(url)).timeout(cfg.timeout()).GET().build());
        JsonNode t = JSON.readTree(answer).path("token");
        if (!t.isTextual() || t.asText().isEmpty()) {
            throw new IOException("AMS authentication answered without a token");
        }
        return t.asText();
    }

    private String send(HttpRequest req) throws IOException {
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        String text = r.body().length() > 300 ? r.body().substring(0, 300) + "…" : r.body();
        if (r.statusCode() >= 500) {
            throw new IOException(req.method() + " " + req.uri().getPath() + " answered " + r.statusCode() + ": " + text);
        }
        throw new AmsRefused(req.method() + " " + req.uri().getPath() + " answered " + r.statusCode() + ": " + text);
    }

    private interface Call {
        String run() throws IOException;
    }

    private String withRetry(String what, Call call) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt <= Math.max(0, cfg.retry()); attempt++) {
            try {
                return call.run();
            } catch (AmsRefused e) {
                throw e;
            } catch (IOException e) {
                last = e;
                LOG.warn("{} failed (attempt {} of {}): {}", what, attempt + 1, cfg.retry() + 1, e.getMessage());
            }
        }
        throw last;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** AMS refused the request (4xx): retrying the same request cannot help. */
    public static final class AmsRefused extends IOException {
        public AmsRefused(String message) {
            super(message);
        }
    }
}
