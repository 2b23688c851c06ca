package org.waldur.agent.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeWaldurTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeWaldur fake;
    private String offering;
    private String project;

    @BeforeEach
    void setUp() {
        fake = FakeWaldur.start(TOKEN);
        fake.checkResponses(true);
        String customer = fake.addCustomer("University of Tartu", "uni-tartu");
        project = fake.addProject(customer, "Climate 2024", "climate-2024");
        offering = fake.addOffering("SLURM", List.of(
                new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
                new FakeWaldur.Component("mem", "Memory", "usage", "gb-Hours", 61440),
                new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60),
                new FakeWaldur.Component("fee", "Fee", "fixed", "month", 1)), Map.of("account_name_generation_policy", "project_slug"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private HttpResponse<String> call(String method, String pathAndQuery, String body) throws Exception {
        return send(method, pathAndQuery, body, "Token " + TOKEN, Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String auth, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.apiUrl() + pathAndQuery)).timeout(timeout);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    private static Map<String, Integer> limits(int cpu, int mem, int gpu) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("mem", mem);
        m.put("gres/gpu", gpu);
        return m;
    }

    private String okResource(String name) {
        return fake.addResource(offering, project, name, name, "OK", "hpc_" + name, limits(1, 2, 3));
    }

    @Test
    void listsArePagedWithAbsoluteLinkHeadersKeepingRepeatedParameters() throws Exception {
        for (int i = 0; i < 25; i++) {
            String r = fake.addResource(offering, project, "r" + i, "r" + i, "Creating", null, limits(1, 1, 1));
            fake.addOrder(offering, r, "Create", i % 2 == 0 ? "pending-provider" : "executing", limits(1, 1, 1));
        }
        String q = "marketplace-orders/?offering_uuid=" + offering + "&state=pending-provider&state=executing";
        HttpResponse<String> first = call("GET", q, null);
        assertEquals(200, first.statusCode());
        assertEquals(10, json(first).size());
        assertEquals("25", first.headers().firstValue("X-Result-Count").orElseThrow());

        HttpResponse<String> second = call("GET", q + "&page=2", null);
        String link = second.headers().firstValue("Link").orElseThrow();
        String base = fake.apiUrl() + "marketplace-orders/?offering_uuid=" + offering;
        assertTrue(link.contains("<" + base + "&page=1&state=pending-provider&state=executing>; rel=\"first\""), link);
        assertTrue(link.contains("&page=1&state=pending-provider&state=executing>; rel=\"prev\""), link);
        assertTrue(link.contains("&page=3&state=pending-provider&state=executing>; rel=\"next\""), link);
        assertTrue(link.contains("&page=3&state=pending-provider&state=executing>; rel=\"last\""), link);

        HttpResponse<String> last = call("GET", q + "&page=3", null);
        assertEquals(5, json(last).size());
        assertFalse(last.headers().firstValue("Link").orElseThrow().contains("rel=\"next\""));

        HttpResponse<String> beyond = call("GET", q + "&page=4", null);
        assertEquals(404, beyond.statusCode());
        assertEquals("Invalid page.", json(beyond).get("detail").asText());

        assertEquals(25, json(call("GET", q + "&page_size=1000", null)).size(), "page_size clamps at 300");
        HttpResponse<String> head = call("HEAD", q, null);
        assertEquals("25", head.headers().firstValue("X-Result-Count").orElseThrow());
        assertTrue(head.body().isEmpty());

        HttpResponse<String> bad = call("GET", "marketplace-orders/?state=foo", null);
        assertEquals(400, bad.statusCode());
        assertEquals("Select a valid choice. foo is not one of the available choices.",
                json(bad).get("state").get(0).asText());

        JsonNode projected = json(call("GET", q + "&field=uuid&field=state&field=end_date_updated_at", null)).get(0);
        assertEquals(2, projected.size());
        assertTrue(projected.has("uuid") && projected.has("state"));
        fake.setPageSize(4);
        assertEquals(4, json(call("GET", q, null)).size());
        List<String> v = fake.violations();
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("state=foo") || v.get(0).contains("foo"), v.toString());
    }

    @Test
    void authenticationFailuresAre401WithWwwAuthenticate() throws Exception {
        HttpResponse<String> none = send("GET", "users/me/", null, null, Duration.ofSeconds(5));
        assertEquals(401, none.statusCode());
        assertEquals("Token", none.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("Authentication credentials were not provided.", json(none).get("detail").asText());
        HttpResponse<String> wrong = send("GET", "users/me/", null, "Token nope", Duration.ofSeconds(5));
        assertEquals(401, wrong.statusCode());
        assertEquals("Invalid token.", json(wrong).get("detail").asText());
        HttpResponse<String> lower = send("GET", "users/me/", null, "token " + TOKEN, Duration.ofSeconds(5));
        assertEquals(200, lower.statusCode());
        assertFalse(json(lower).get("is_staff").asBoolean());
        assertEquals(403, call("GET", "version/", null).statusCode());
        fake.assertNoViolations();
    }

    @Test
    void orderStateMachineAndResourceSideEffects() throws Exception {
        String created = fake.addResource(offering, project, "sim", "sim", "Creating", null, limits(10, 20, 1));
        String create = fake.addOrder(offering, created, "Create", "pending-provider", limits(10, 20, 1));
        String updated = okResource("upd");
        String update = fake.addOrder(offering, updated, "Update", "pending-provider", limits(5, 6, 7));
        String gone = okResource("gone");
        String terminate = fake.addOrder(offering, gone, "Terminate", "pending-provider", Map.of());

        HttpResponse<String> early = call("POST", "marketplace-orders/" + create + "/set_state_done/", null);
        assertEquals(409, early.statusCode());
        assertEquals("Valid states for operation: executing.", json(early).get("detail").asText());

        for (String o : List.of(create, update, terminate)) {
            HttpResponse<String> r = call("POST", "marketplace-orders/" + o + "/approve_by_provider/", "{}");
            assertEquals(200, r.statusCode());
            assertEquals("Order has been approved and is being processed.", json(r).get("detail").asText());
            assertEquals("executing", fake.order(o).get("state"));
        }
        HttpResponse<String> again = call("POST", "marketplace-orders/" + create + "/approve_by_provider/", "{}");
        assertEquals(409, again.statusCode());
        assertEquals("Valid states for operation: pending-provider.", json(again).get("detail").asText());
        assertEquals("Updating", fake.resource(updated).get("state"));
        assertEquals("Terminating", fake.resource(gone).get("state"));

        HttpResponse<String> bid = call("POST", "marketplace-provider-resources/" + created + "/set_backend_id/",
                "{\"backend_id\":\"hpc_sim\"}");
        assertEquals("Resource backend_id has been changed.", json(bid).get("status").asText());
        bid = call("POST", "marketplace-provider-resources/" + created + "/set_backend_id/", "{\"backend_id\":\"hpc_sim\"}");
        assertEquals("Resource backend_id is not changed.", json(bid).get("status").asText());

        for (String o : List.of(create, update, terminate)) {
            HttpResponse<String> r = call("POST", "marketplace-orders/" + o + "/set_state_done/", null);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().isEmpty());
        }
        Map<String, Object> res = fake.resource(created);
        assertEquals("OK", res.get("state"));
        assertEquals("hpc_sim", res.get("backend_id"));
        assertEquals(Map.of("cpu", 5, "mem", 6, "gres/gpu", 7), fake.resource(updated).get("limits"));
        assertEquals("OK", fake.resource(updated).get("state"));
        assertEquals("Terminated", fake.resource(gone).get("state"));
        assertEquals(Map.of("name", "sim"), fake.order(create).get("attributes"));
        assertEquals(created, fake.order(create).get("marketplace_resource_uuid"));
        assertNull(fake.order(create).get("resource_uuid"));

        String r2 = fake.addResource(offering, project, "bad", "bad", "Creating", null, limits(1, 1, 1));
        String failing = fake.addOrder(offering, r2, "Create", "executing", limits(1, 1, 1));
        assertEquals(200, call("POST", "marketplace-orders/" + failing.substring(0, 8) + "-" + failing.substring(8, 12)
                + "-" + failing.substring(12, 16) + "-" + failing.substring(16, 20) + "-" + failing.substring(20)
                + "/set_state_erred/", "{\"error_message\":\"boom\",\"error_traceback\":\"tb\"}").statusCode());
        assertEquals("erred", fake.order(failing).get("state"));
        assertEquals("boom", fake.order(failing).get("error_message"));
        assertEquals("tb", fake.order(failing).get("error_traceback"));
        assertEquals("Erred", fake.resource(r2).get("state"));

        HttpResponse<String> unknown = call("POST", "marketplace-provider-resources/" + updated + "/set_limits/",
                "{\"limits\":{\"cpu\":1,\"a\":2,\"b\":3}}");
        assertEquals(400, unknown.statusCode());
        assertEquals("Unknown component types: a, b", json(unknown).get("limits").asText());
        assertEquals(1, fake.count("POST", ".*/set_state_erred/"));
        assertEquals("erred", json(call("GET", "marketplace-orders/" + failing + "/?field=uuid&field=state", null))
                .get("state").asText());
        JsonNode listed = json(call("GET", "marketplace-provider-resources/?offering_uuid=" + offering
                + "&state=OK&state=Erred&page_size=100", null));
        assertEquals(3, listed.size());
        assertEquals(200, call("GET", "marketplace-provider-resources/" + updated + "/", null).statusCode());
        assertEquals(200, call("GET", "marketplace-orders/?offering_uuid=" + offering, null).statusCode());
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues());
    }

    @Test
    void invalidBodyIsServedButRecordedAsViolation() throws Exception {
        String r = okResource("v");
        HttpResponse<String> resp = call("POST", "marketplace-component-usages/set_usage/",
                "{\"resource\":\"" + r + "\",\"usages\":[{\"type\":\"cpu\",\"amount\":\"1.234\"}]}");
        assertEquals(400, resp.statusCode());
        assertEquals("Ensure that there are no more than 2 decimal places.",
                json(resp).get("usages").get(0).get("amount").get(0).asText());
        assertEquals(1, fake.violations().size(), fake.violations().toString());
        assertTrue(fake.violations().get(0).contains("POST /api/marketplace-component-usages/set_usage/"));
        AssertionError e = assertThrows(AssertionError.class, fake::assertNoViolations);
        assertTrue(e.getMessage().contains("amount"), e.getMessage());

        fake.clearViolations();
        assertEquals(404, call("GET", "marketplace-slurm-remote/", null).statusCode());
        assertTrue(fake.violations().get(0).startsWith("unknown endpoint: GET /api/marketplace-slurm-remote/"));
        fake.clearViolations();
        assertEquals(200, call("POST", "marketplace-provider-resources/" + r + "/set_backend_metadata/",
                "{\"backend_metadata\":{\"qos\":\"normal\"}}").statusCode());
        assertEquals(Map.of("qos", "normal"), fake.resource(r).get("backend_metadata"));
        fake.assertNoViolations();
    }

    @Test
    void usageIsUpsertedPerResourceComponentAndMonth() throws Exception {
        String r = okResource("u");
        LocalDate thisMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        LocalDate lastMonth = thisMonth.minusMonths(1);
        String path = "marketplace-component-usages/set_usage/";
        String body = "{\"resource\":\"%s\",\"date\":\"%sT00:00:00+00:00\",\"usages\":[{\"type\":\"cpu\",\"amount\":\"%s\"},"
                + "{\"type\":\"mem\",\"amount\":\"2.50\"}]}";
        assertEquals(201, call("POST", path, String.format(body, r, thisMonth, "1.00")).statusCode());
        HttpResponse<String> second = call("POST", path, String.format(body, r, thisMonth, "12.34"));
        assertEquals(201, second.statusCode());
        assertTrue(second.body().isEmpty());
        assertEquals(201, call("POST", path, String.format(body, r, lastMonth, "7")).statusCode());
        List<Map<String, Object>> rows = fake.componentUsages(r);
        assertEquals(4, rows.size());
        Map<String, Object> cpuNow = rows.stream().filter(m -> m.get("type").equals("cpu")
                && m.get("billing_period").equals(thisMonth.toString())).findFirst().orElseThrow();
        assertEquals(12.34, ((Number) cpuNow.get("usage")).doubleValue());

        HttpResponse<String> listed = call("GET", "marketplace-component-usages/?resource_uuid=" + r
                + "&billing_period=" + thisMonth + "&field=uuid&field=type&field=usage", null);
        assertEquals(2, json(listed).size());
        String cuUuid = cpuNow.get("uuid").toString();
        String users = "{\"usages\":[{\"username\":\"alice\",\"usage\":\"%s\",\"user\":\"" + fake.apiUrl()
                + "marketplace-offering-users/0123456789abcdef0123456789abcdef/\"}]}";
        assertEquals(201, call("POST", "marketplace-component-usages/" + cuUuid + "/set_user_usages/",
                String.format(users, "1.00")).statusCode());
        assertEquals(201, call("POST", "marketplace-component-usages/" + cuUuid + "/set_user_usages/",
                String.format(users, "3.21")).statusCode());
        List<Map<String, Object>> userRows = fake.componentUserUsages(r);
        assertEquals(1, userRows.size());
        assertEquals(3.21, ((Number) userRows.get(0).get("usage")).doubleValue());
        assertTrue(userRows.get(0).get("component_usage").toString().endsWith("/marketplace-component-usages/" + cuUuid + "/"));
        HttpResponse<String> byPeriod = call("GET", "marketplace-component-user-usages/?resource_uuid=" + r
                + "&component_usage__billing_period=" + thisMonth + "&field=component_usage", null);
        assertEquals(1, json(byPeriod).size());
        assertEquals(400, call("POST", "marketplace-component-usages/" + cuUuid + "/set_user_usages/",
                "{\"usages\":[]}").statusCode());

        fake.setRejectBackfill(true);
        HttpResponse<String> backfill = call("POST", path, String.format(body, r, lastMonth, "8"));
        assertEquals(400, backfill.statusCode());
        assertTrue(json(backfill).get("date").get(0).asText().contains("backfilling past billing periods"));
        HttpResponse<String> future = call("POST", path, String.format(body, r, thisMonth.plusMonths(1), "8"));
        assertEquals(400, future.statusCode());
        HttpResponse<String> invalid = call("POST", path, "{\"resource\":\"" + r
                + "\",\"usages\":[{\"type\":\"fee\",\"amount\":\"1\"},{\"type\":\"ram\",\"amount\":\"1\"}]}");
        assertEquals("These components are invalid: fee, ram.", json(invalid).get("non_field_errors").get(0).asText());
        fake.setResourceState(r, "Erred");
        HttpResponse<String> erred = call("POST", path, String.format(body, r, thisMonth, "1"));
        assertEquals("Resource is not in valid state.", json(erred).get("resource").get(0).asText());
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues());
    }

    @Test
    void faultsAreInjectedBeforeAuthAndRouting() throws Exception {
        fake.failNext(2, 503);
        assertEquals(503, call("GET", "users/me/", null).statusCode());
        assertEquals(503, send("GET", "users/me/", null, null, Duration.ofSeconds(5)).statusCode());
        assertEquals(200, call("GET", "users/me/", null).statusCode());

        String r = okResource("f");
        String o = fake.addOrder(offering, r, "Terminate", "executing", Map.of());
        fake.failMatching("POST", ".*/set_state_done/", 500, 1);
        HttpResponse<String> failed = call("POST", "marketplace-orders/" + o + "/set_state_done/", null);
        assertEquals(500, failed.statusCode());
        assertTrue(json(failed).has("detail"));
        assertEquals("executing", fake.order(o).get("state"));
        assertEquals(200, call("POST", "marketplace-orders/" + o + "/set_state_done/", null).statusCode());

        fake.failMatching(null, ".*/marketplace-orders/", 429, -1);
        assertEquals(429, call("GET", "marketplace-orders/", null).statusCode());
        assertEquals(429, call("GET", "marketplace-orders/", null).statusCode());
        fake.clearFaults();
        assertEquals(200, call("GET", "marketplace-orders/", null).statusCode());

        fake.delayMatching("GET", ".*/users/me/", 1500);
        assertThrows(HttpTimeoutException.class,
                () -> send("GET", "users/me/", null, "Token " + TOKEN, Duration.ofMillis(300)));
        fake.clearFaults();
        fake.setDown(true);
        assertEquals(503, call("GET", "users/me/", null).statusCode());
        fake.setDown(false);
        assertEquals(200, call("GET", "users/me/", null).statusCode());
        assertEquals(List.of(503, 503, 200), fake.requests().subList(0, 3).stream()
                .map(FakeWaldur.RecordedRequest::status).toList());
        fake.assertNoViolations();
    }

    @Test
    void teamCarriesOfferingUsernamesAndIsNotPaginated() throws Exception {
        String r = okResource("t");
        String alice = fake.addUser("alice", "Alice Tamm");
        String carol = fake.addUser("carol", "Carol Saar");
        fake.addTeamMember(project, alice, "PROJECT.MANAGER");
        fake.addTeamMember(project, carol, "PROJECT.MEMBER");
        fake.addOfferingUser(offering, alice, "alice_hpc", "OK");
        HttpResponse<String> team = call("GET", "marketplace-provider-resources/" + r + "/team/", null);
        assertTrue(team.headers().firstValue("Link").isEmpty());
        assertTrue(team.headers().firstValue("X-Result-Count").isEmpty());
        JsonNode rows = json(team);
        assertEquals(2, rows.size());
        assertEquals("alice_hpc", rows.get(0).get("offering_user_username").asText());
        assertEquals("OK", rows.get(0).get("offering_user_state").asText());
        assertTrue(rows.get(1).get("offering_user_username").isNull());

        JsonNode ous = json(call("GET", "marketplace-offering-users/?offering_uuid=" + offering
                + "&is_restricted=false&state=OK", null));
        assertEquals(1, ous.size());
        assertEquals("alice_hpc", ous.get(0).get("username").asText());
        assertEquals(alice, ous.get(0).get("user_uuid").asText());
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues());
    }

    @Test
    void bootstrapCallsOfTheAgentCycle() throws Exception {
        JsonNode off = json(call("GET", "marketplace-provider-offerings/" + offering
                + "/?field=components&field=customer_uuid&field=partitions&field=plugin_options", null));
        assertEquals(4, off.size());
        assertEquals("k-Hours", off.get("components").get(0).get("measured_unit").asText());
        String customer = off.get("customer_uuid").asText();
        JsonNode sp = json(call("GET", "marketplace-service-providers/?customer_uuid=" + customer + "&field=uuid", null));
        assertEquals(1, sp.size());
        HttpResponse<String> ids = call("GET", "marketplace-site-agent-identities/?name=agent-" + offering, null);
        assertEquals(0, json(ids).size());
        HttpResponse<String> created = call("POST", "marketplace-site-agent-identities/", "{\"offering\":\"" + offering
                + "\",\"name\":\"agent-" + offering + "\",\"version\":\"0.1.0\",\"last_restarted\":\"2026-01-01T00:00:00Z\","
                + "\"dependencies\":[{\"package\":\"camel\",\"version\":\"4.18.0\"}],\"config_file_path\":\"\",\"config_file_content\":\"\"}");
        assertEquals(201, created.statusCode());
        String id = json(created).get("uuid").asText();
        assertEquals(200, call("PUT", "marketplace-site-agent-identities/" + id + "/", "{\"offering\":\"" + offering
                + "\",\"name\":\"agent-" + offering + "\",\"version\":\"0.1.1\"}").statusCode());
        HttpResponse<String> svc = call("POST", "marketplace-site-agent-identities/" + id + "/register_service/",
                "{\"name\":\"order_process\",\"mode\":\"order_process\"}");
        assertEquals(201, svc.statusCode());
        assertEquals(200, call("POST", "marketplace-site-agent-identities/" + id + "/register_service/",
                "{\"name\":\"order_process\",\"mode\":\"order_process\"}").statusCode());
        HttpResponse<String> proc = call("POST", "marketplace-site-agent-services/" + json(svc).get("uuid").asText()
                + "/register_processor/", "{\"name\":\"SlurmBackend\",\"backend_type\":\"slurm\",\"backend_version\":\"23.02\"}");
        assertEquals(201, proc.statusCode());
        assertEquals(1, json(call("GET", "marketplace-site-agent-identities/?name=agent-" + offering, null)).size());
        assertEquals(200, call("GET", "marketplace-plans/" + fake.planUuid(offering) + "/", null).statusCode());
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues());
    }

    @Test
    void stateDumpIsServedOutsideTheApi() throws Exception {
        okResource("d");
        HttpResponse<String> dump = http.send(HttpRequest.newBuilder(URI.create(fake.apiUrl().replace("/api/", "/__fake/state")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, dump.statusCode());
        assertEquals(1, json(dump).get("resources").size());
        assertTrue(fake.requests().isEmpty());
    }

    @Test
    void aLostResponseIsAppliedThenTheConnectionDrops() throws Exception {
        String r = fake.addResource(offering, project, "lost", "lost", "Creating", null, limits(1, 2, 3));
        String o = fake.addOrder(offering, r, "Create", "pending-provider", limits(1, 2, 3));
        fake.dropAfterApplying("POST", ".*/approve_by_provider/", 1);

        assertThrows(IOException.class, () -> call("POST", "marketplace-orders/" + o + "/approve_by_provider/", "{}"));
        assertEquals("executing", fake.order(o).get("state"), "applied although the client got no answer");
        HttpResponse<String> retry = call("POST", "marketplace-orders/" + o + "/approve_by_provider/", "{}");
        assertEquals(409, retry.statusCode(), "the retry finds the transition done");
        assertEquals("Valid states for operation: pending-provider.", json(retry).get("detail").asText());
    }
}
