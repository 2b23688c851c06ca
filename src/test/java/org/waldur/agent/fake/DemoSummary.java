package org.waldur.agent.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Prints what a person wants to see after a demo cycle: every order with its final state (and error), and every
 * resource with its SLURM account and limits, read from a running simulator's {@code /__fake/state}.
 * Usage: {@code java … DemoSummary http://127.0.0.1:8081/api/}
 */
public final class DemoSummary {
    private DemoSummary() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0].replaceAll("/api/?$", "");
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/__fake/state")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JsonNode state = new ObjectMapper().readTree(body);
        System.out.println("Orders in Waldur:");
        System.out.printf("  %-10s %-18s %-17s %s%n", "TYPE", "RESOURCE", "STATE", "ERROR");
        for (JsonNode o : state.path("orders")) {
            System.out.printf("  %-10s %-18s %-17s %s%n", o.path("type").asText(), o.path("resource_name").asText(),
                    o.path("state").asText(), o.path("error_message").asText(""));
        }
        System.out.println("Resources in Waldur:");
        System.out.printf("  %-18s %-12s %-22s %s%n", "RESOURCE", "STATE", "BACKEND_ID (SLURM)", "LIMITS");
        for (JsonNode r : state.path("resources")) {
            System.out.printf("  %-18s %-12s %-22s %s%n", r.path("name").asText(), r.path("state").asText(),
                    r.path("backend_id").asText(""), r.path("limits"));
        }
    }
}
