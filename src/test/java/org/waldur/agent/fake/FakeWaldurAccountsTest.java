package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The offering's service and course account lists, validated against the 8.0.5 schema (answers included). */
class FakeWaldurAccountsTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWaldur fake;

    @BeforeEach
    void setUp() {
        fake = FakeWaldur.start(TOKEN);
        fake.checkResponses(true);
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fake.apiUrl() + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Token " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> usernames(HttpResponse<String> r) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode n : Json.MAPPER.readTree(r.body())) {
            out.add(n.get("username").asText() + "/" + n.get("state").asText());
        }
        return out;
    }

    @Test
    void listsTheAccountsOfProjectsWithAResourceOfTheOfferingPaged() throws Exception {
        String customer = fake.addCustomer("Uni", "uni");
        String served = fake.addProject(customer, "Served", "served");
        String elsewhere = fake.addProject(customer, "Elsewhere", "elsewhere");
        String offering = fake.addOffering("HPC", List.of(new FakeWaldur.Component("cpu", "CPU", "usage", "h", 1)), Map.of());
        String other = fake.addOffering("Cloud", List.of(new FakeWaldur.Component("cpu", "CPU", "usage", "h", 1)), Map.of());
        fake.addResource(offering, served, "r", "r", "OK", "hpc_r", Map.of());
        fake.addResource(other, elsewhere, "c", "c", "OK", "c", Map.of());
        fake.addServiceAccount(served, "svc_a");
        fake.setAccountState(fake.addServiceAccount(served, "svc_b"), "Closed");
        fake.addServiceAccount(elsewhere, "svc_other");
        fake.addCourseAccount(served, "stud1");

        String base = "marketplace-provider-offerings/" + offering;
        assertEquals(List.of("svc_a/OK", "svc_b/Closed"), usernames(get(base + "/list_project_service_accounts/")));
        assertEquals(List.of("stud1/OK"), usernames(get(base + "/list_course_accounts/")));
        HttpResponse<String> page2 = get(base + "/list_project_service_accounts/?page_size=1&page=2");
        assertEquals(List.of("svc_b/Closed"), usernames(page2));
        assertEquals("2", page2.headers().firstValue("X-Result-Count").orElseThrow());
        assertEquals(List.of("svc_other/OK"), usernames(get("marketplace-provider-offerings/" + other + "/list_project_service_accounts/")));
        fake.assertNoViolations();
        assertEquals(List.of(), fake.responseIssues(), "answers valid against ProjectServiceAccount and CourseAccount");
    }
}
