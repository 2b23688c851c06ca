package org.waldur.agent.auditor.apel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.ApelLauncher;
import org.waldur.agent.auditor.FakeAuditorServer;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.it.RealSlurm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * auditor-apel-publish and -republish end to end: records from an AUDITOR-compatible server, messages signed
 * with a host certificate of a CA made here, sent over mutual TLS to a fake ARGO AMS, the state file written.
 * Each published message is decoded and verified with Debian's openssl.
 */
class ApelPublishTest {
    private static final Clock MARCH_6 = Clock.fixed(Instant.parse("2026-03-06T00:00:00Z"), ZoneOffset.UTC);
    private final Path dir = Files.createTempDirectory("apel");
    private final TestCa ca = new TestCa(dir);
    private final Path[] host = ca.host("host", "ce1.example.org");
    private final FakeAuditorServer auditor = new FakeAuditorServer();
    private final FakeAms ams = new FakeAms(ca);

    ApelPublishTest() throws Exception {
        auditor.add(ApelSummaryTest.R1, ApelSummaryTest.R2, ApelSummaryTest.R3,
                // another site's job, a February job and a zero-runtime job: none of them in SITE_A's March report
                Record.of("other", Map.of("site_id", List.of("siteB")), ApelSummaryTest.R1.components(),
                        ApelSummaryTest.R1.startTime(), ApelSummaryTest.R1.stopTime()),
                Record.of("feb", ApelSummaryTest.R1.meta(), ApelSummaryTest.R1.components(),
                        Instant.parse("2026-02-27T00:00:00Z"), Instant.parse("2026-02-28T00:00:00Z")),
                Record.of("zero", ApelSummaryTest.R1.meta(), ApelSummaryTest.R1.components(),
                        Instant.parse("2026-03-03T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z")));
    }

    @AfterEach
    void stop() {
        auditor.close();
        ams.close();
    }

    private Path config() throws Exception {
        String yaml = Files.readString(Path.of("src/test/resources/auditor/apel-worked-example.yaml"))
                .replace("time_json_path: time.json", "time_json_path: " + dir.resolve("time.json"))
                .replace("port: 8000", "port: " + auditor.port())
                .replace("host: msg.argo.grnet.gr", "host: localhost")
                .replace("port: 8443", "port: " + ams.port() + "\n  publish_port: " + ams.port()
                        + "\n  ca_cert: " + dir.resolve("ca.pem"))
                .replace("client_cert: hostcert.pem", "client_cert: " + host[0])
                .replace("client_key: hostkey.pem", "client_key: " + host[1])
                .replace("site_meta_field: site_id", "site_meta_field: [site_id, site]");
        Path f = dir.resolve("apel.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private String verified(JsonNode message) throws Exception {
        Openssl.require();
        Path signed = dir.resolve("msg.txt");
        Files.write(signed, Base64.getDecoder().decode(message.path("data").asText()));
        Path out = dir.resolve("content.txt");
        RealSlurm.Result r = RealSlurm.run(List.of("openssl", "smime", "-verify", "-in", signed.toString(),
                "-CAfile", dir.resolve("ca.pem").toString(), "-text", "-out", out.toString()), null);
        assertEquals(0, r.rc(), r.out());
        return Files.readString(out).replace("\r\n", "\n");
    }

    @Test
    void publishSendsSignedSyncThenSummaryOfTheWholeMonthAndRecordsTheReport() throws Exception {
        assertEquals(0, ApelLauncher.publish(config(), false, true, MARCH_6, System.out));

        assertEquals(List.of("GET /v1/service-types/ams/hosts/localhost:authx509",
                "POST /v1/projects/accounting/topics/gLite-APEL:publish",
                "GET /v1/service-types/ams/hosts/localhost:authx509",
                "POST /v1/projects/accounting/topics/gLite-APEL:publish"), ams.requests);
        assertTrue(ams.clientSubjects.stream().allMatch(s -> s.contains("CN=ce1.example.org")), "the host certificate authenticated: " + ams.clientSubjects);
        assertEquals(2, ams.published.size());
        assertEquals(ApelSummaryTest.SYNC, verified(ams.published.get(0)));
        assertEquals(ApelSummaryTest.SUMMARY, verified(ams.published.get(1)));
        assertEquals("20260306/20260306000000", ams.published.get(0).path("attributes").path("empaid").asText());
        assertEquals("{\"last_report_time\":\"2026-03-06T00:00\"}", Files.readString(dir.resolve("time.json")));
        assertFalse(Files.exists(dir.resolve(".time.json.tmp")));

        // five days (1st–5th) × one site id × two meta keys, in the form AUDITOR's plugin sends
        assertEquals(10, auditor.queries.size());
        assertEquals("stop_time[lt]=2026-03-02T00%3A00%3A00%2B00%3A00&stop_time[gte]=2026-03-01T00%3A00%3A00%2B00%3A00"
                + "&runtime[gt]=0&meta[site_id][c][0]=siteA", auditor.queries.get(0));
        assertEquals("stop_time[lt]=2026-03-02T00%3A00%3A00%2B00%3A00&stop_time[gte]=2026-03-01T00%3A00%3A00%2B00%3A00"
                + "&runtime[gt]=0&meta[site][c][0]=siteA", auditor.queries.get(1));

        // not due again within report_interval: nothing sent
        assertEquals(0, ApelLauncher.publish(config(), false, true, Clock.offset(MARCH_6, java.time.Duration.ofHours(1)), System.out));
        assertEquals(2, ams.published.size());
    }

    @Test
    void anAmsOutageIsRetriedAndTheStateIsOnlyWrittenAfterASend() throws Exception {
        ams.failNextPublishes = 2;
        assertEquals(0, ApelLauncher.publish(config(), false, true, MARCH_6, System.out), "retry: 3 covers two 503s");
        // at least once: a response lost after AMS stored the message makes the retry publish it again, which
        // APEL tolerates (it replaces a month's summaries): sync first, summary last, nothing else
        int n = ams.published.size();
        assertTrue(n >= 2, "published " + n);
        assertEquals(ApelSummaryTest.SYNC, verified(ams.published.get(0)));
        assertEquals(ApelSummaryTest.SUMMARY, verified(ams.published.get(n - 1)));
        for (JsonNode m : ams.published) {
            String text = verified(m);
            assertTrue(text.equals(ApelSummaryTest.SYNC) || text.equals(ApelSummaryTest.SUMMARY), text);
        }
        ams.failNextPublishes = 100;
        Files.delete(dir.resolve("time.json"));
        assertEquals(1, ApelLauncher.publish(config(), false, true, MARCH_6, System.out));
        assertFalse(Files.exists(dir.resolve("time.json")), "no report recorded when the send failed");
    }

    @Test
    void dryRunPrintsTheUnsignedMessagesAndSendsNothing() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, ApelLauncher.publish(config(), true, false, MARCH_6, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals(ApelSummaryTest.SYNC + ApelSummaryTest.SUMMARY, buf.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), ams.requests);
        assertFalse(Files.exists(dir.resolve("time.json")));
    }

    @Test
    void republishSendsOneMonthsSummaryOnly() throws Exception {
        Clock april = Clock.fixed(Instant.parse("2026-04-20T00:00:00Z"), ZoneOffset.UTC);
        assertEquals(0, ApelLauncher.republish(config(), 2026, 3, "SITE_A", false, april, System.out));
        assertEquals(1, ams.published.size());
        assertEquals(ApelSummaryTest.SUMMARY, verified(ams.published.get(0)));
        assertEquals(31 * 2, auditor.queries.size(), "every day of March");
        assertFalse(Files.exists(dir.resolve("time.json")), "republish keeps no state");
        assertEquals(2, ApelLauncher.republish(config(), 2026, 3, "NO_SUCH_SITE", false, april, System.out));
    }

    @Test
    void monthsAfterAnOutageAreAllResent() {
        assertEquals(List.of(java.time.YearMonth.of(2026, 3)), ApelReport.months(Instant.EPOCH, MARCH_6.instant()));
        assertEquals(List.of(java.time.YearMonth.of(2026, 1), java.time.YearMonth.of(2026, 2), java.time.YearMonth.of(2026, 3)),
                ApelReport.months(Instant.parse("2026-01-30T10:00:00Z"), MARCH_6.instant()),
                "AUDITOR would skip January's last days and all of February");
        assertEquals(List.of(java.time.YearMonth.of(2026, 3)), ApelReport.months(Instant.parse("2026-03-05T10:00:00Z"), MARCH_6.instant()));
    }
}
