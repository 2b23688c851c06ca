package org.waldur.agent.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request shapes the agent sends (waldur-api.md §7-§12) must pass the fake's OpenAPI check without violations,
 * and a few contract breaches must be caught. Also exercises the demo seed.
 */
class FakeWaldurContractTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWaldur fake;
    private String offering;

    @BeforeEach
    void setUp() {
        fake = FakeWaldur.start(TOKEN);
        fake.checkResponses(true);
        offering = DemoSeed.seedDemo(fake);
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.apiUrl() + path))
                .header("Authorization", "Token " + TOKEN)
                .header("Accept", "application/json")
                .header("User-Agent", "waldur-camel-agent-test/0.1");
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = call("GET", path, null);
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static String hyphenated(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    @Test
    void demoSeedDrivenThroughAFullAgentCycleHasNoViolations() throws Exception {
        get("users/me/?field=uuid");
        get("marketplace-provider-offerings/" + offering
                + "/?field=components&field=customer_uuid&field=partitions&field=plugin_options");
        JsonNode orders = get("marketplace-orders/?offering_uuid=" + offering
                + "&state=pending-provider&state=executing&page_size=100&o=created");
        assertEquals(4, orders.size());
        for (JsonNode o : orders) {
            String uuid = o.get("uuid").asText();
            assertEquals(200, call("POST", "marketplace-orders/" + uuid + "/approve_by_provider/", "{}").statusCode());
            String resource = o.get("marketplace_resource_uuid").asText();
            JsonNode res = get("marketplace-provider-resources/" + resource + "/");
            if ("Create".equals(o.get("type").asText())) {
                String backendId = "hpc_" + res.get("slug").asText();
                call("POST", "marketplace-provider-resources/" + resource + "/set_backend_id/",
                        "{\"backend_id\":\"" + backendId + "\"}");
                call("POST", "marketplace-provider-resources/" + resource + "/set_limits/",
                        "{\"limits\":{\"cpu\":1,\"mem\":2,\"gres/gpu\":3}}");
                call("POST", "marketplace-provider-resources/" + resource + "/set_backend_metadata/",
                        "{\"backend_metadata\":{\"qos\":\"normal\"}}");
                get("marketplace-provider-resources/" + resource + "/team/");
            }
            assertEquals("executing", get("marketplace-orders/" + uuid + "/?field=uuid&field=state").get("state").asText());
            HttpResponse<String> done = call("POST", "marketplace-orders/" + uuid + "/set_state_done/", null,
                    "Content-Type", "application/json");
            assertEquals(200, done.statusCode());
        }
        JsonNode ok = get("marketplace-provider-resources/?offering_uuid=" + offering + "&state=OK&state=Erred"
                + "&field=uuid&field=backend_id&field=paused&field=downscaled&field=restrict_member_access"
                + "&field=end_date_updated_at&field=offering_plugin_options");
        assertEquals(3, ok.size(), ok.toString());
        JsonNode users = get("marketplace-offering-users/?offering_uuid=" + offering + "&is_restricted=false"
                + "&field=uuid&field=username&field=state&field=user_uuid");
        assertEquals(2, users.size());

        String resource = ok.get(0).get("uuid").asText();
        LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        assertEquals(201, call("POST", "marketplace-component-usages/set_usage/", "{\"usages\":[{\"type\":\"cpu\","
                + "\"amount\":\"12.34\"},{\"type\":\"mem\",\"amount\":\"16.16\"}],\"resource\":\"" + resource
                + "\",\"date\":\"" + month + "T00:00:00+00:00\"}").statusCode());
        JsonNode usages = get("marketplace-component-usages/?resource_uuid=" + resource + "&billing_period=" + month
                + "&field=uuid&field=type&field=usage");
        assertEquals(2, usages.size());
        get("marketplace-component-user-usages/?resource_uuid=" + resource + "&component_usage__billing_period="
                + month + "&field=component_usage");
        assertEquals(201, call("POST", "marketplace-component-usages/" + usages.get(0).get("uuid").asText()
                + "/set_user_usages/", "{\"usages\":[{\"username\":\"alice\",\"usage\":\"1.23\",\"date\":\"" + month
                + "T00:00:00+00:00\",\"user\":\"" + fake.apiUrl() + "marketplace-offering-users/"
                + users.get(0).get("uuid").asText() + "/\"}]}").statusCode());

        call("POST", "marketplace-provider-resources/" + resource + "/refresh_last_sync/", null);
        call("POST", "marketplace-provider-resources/" + resource + "/set_as_erred/",
                "{\"error_message\":\"x\",\"error_traceback\":\"\"}");
        call("POST", "marketplace-provider-resources/" + hyphenated(resource) + "/set_as_ok/", null);
        get("marketplace-provider-resources/?offering_uuid=" + hyphenated(offering) + "," + offering);
        get("component-user-usage-limits/?resource_uuid=" + resource);
        assertEquals(200, call("HEAD", "marketplace-orders/?offering_uuid=" + offering, null).statusCode());
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues());
        assertEquals(0, fake.count("POST", ".*/set_state_erred/"));
        assertTrue(fake.stateDump().get("orders").toString().contains("done"));
    }

    @Test
    void contractBreachesAreRecordedButServed() throws Exception {
        String resource = get("marketplace-provider-resources/?offering_uuid=" + offering + "&state=OK")
                .get(0).get("uuid").asText();
        // amount must be a decimal string, the usage list is required, the uuid must be a uuid.
        call("POST", "marketplace-component-usages/set_usage/", "{\"resource\":\"" + resource
                + "\",\"usages\":[{\"type\":\"cpu\",\"amount\":1.5}]}");
        call("POST", "marketplace-component-usages/set_usage/", "{\"resource\":\"" + resource + "\"}");
        call("GET", "marketplace-orders/?offering_uuid=not-a-uuid", null);
        call("POST", "marketplace-orders/" + Model.newUuid() + "/set_state_done/", "{}");
        call("GET", "slurm-allocations/" + Model.newUuid() + "/", null);
        String order = get("marketplace-orders/?state=pending-provider").get(0).get("uuid").asText();
        call("POST", "marketplace-orders/" + order + "/set_state_erred/", "{\"error_mesage\":\"typo\"}");
        List<String> v = fake.violations();
        assertEquals(6, v.size(), String.join("\n", v));
        assertTrue(v.get(0).contains("amount"), v.get(0));
        assertTrue(v.get(1).contains("usages"), v.get(1));
        assertTrue(v.get(2).contains("offering_uuid=not-a-uuid"), v.get(2));
        assertTrue(v.get(3).contains("body"), v.get(3));
        assertTrue(v.get(4).startsWith("unknown endpoint: GET /api/slurm-allocations/"), v.get(4));
        assertTrue(v.get(5).contains("error_mesage"), v.get(5));
        assertEquals(List.of(201, 400, 400, 404, 404, 200, 200), fake.requests().stream().skip(1)
                .map(FakeWaldur.RecordedRequest::status).toList());
        assertEquals(Map.of("offering_uuid", List.of("Enter a valid UUID.")),
                Json.MAPPER.convertValue(Json.MAPPER.readTree(call("GET", "marketplace-orders/?offering_uuid=x", null)
                        .body()), Map.class));
    }
}
