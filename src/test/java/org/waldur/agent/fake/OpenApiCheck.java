package org.waldur.agent.fake;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates requests (and, leniently, responses) against the Waldur 8.0.5 site-agent OpenAPI subset.
 *
 * <p>The schema is loaded once and patched for the documented schema/server mismatches (waldur-api.md §16):
 * <ul>
 *   <li>{@code format: uuid} becomes a pattern accepting 32-hex (what Waldur emits) and the hyphenated form;</li>
 *   <li>{@code field=} parameters accept any string (the server ignores unknown names, the agent sends 8.1 names);</li>
 *   <li>{@code ComponentUsage.usage}/{@code ComponentUserUsage.usage} are numbers, not integers (8.x).</li>
 * </ul>
 * Security requirements are not checked here (the fake's own auth does it); unknown query parameters are
 * tolerated (the agent sends 8.1-only filters such as {@code modified_before}); the 8.1 request fields
 * {@code missing_usage_policy} (usage items) and the component renewal/prepaid-step fields are added. Unknown
 * keys in request bodies stay violations (the validator treats objects as closed), which catches typos.
 */
final class OpenApiCheck {
    static final String RESOURCE = "/waldur-openapi/waldur-openapi-site-agent-subset-8.0.5.yaml";
    private static final String UUID_PATTERN =
            "^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";

    private static volatile OpenApiCheck shared;

    private final OpenApiInteractionValidator validator;

    private OpenApiCheck(String specJson) {
        LevelResolver levels = LevelResolver.create()
                .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.accept", ValidationReport.Level.IGNORE)
                // Error responses (400/401/404/409...) are mostly undocumented in the schema.
                .withLevel("validation.response.status.unknown", ValidationReport.Level.IGNORE)
                .withLevel("validation.response.body.missing", ValidationReport.Level.IGNORE)
                .build();
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(specJson)
                .withLevelResolver(levels)
                .build();
    }

    /** One validator per JVM: building it parses ~300 kB of YAML. */
    static OpenApiCheck get() {
        OpenApiCheck v = shared;
        if (v == null) {
            synchronized (OpenApiCheck.class) {
                v = shared;
                if (v == null) {
                    v = new OpenApiCheck(patchedSpec());
                    shared = v;
                }
            }
        }
        return v;
    }

    static String patchedSpec() {
        try (InputStream in = OpenApiCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + RESOURCE);
            }
            JsonNode root = new YAMLMapper().readTree(in);
            relax(root);
            ObjectNode schemas = (ObjectNode) root.path("components").path("schemas");
            for (String name : List.of("ComponentUsage", "ComponentUserUsage")) {
                ((ObjectNode) schemas.path(name).path("properties").path("usage")).put("type", "number");
            }
            // 8.1 request fields the current agent sends (waldur-api.md §16, version deltas).
            ObjectNode policy = ((ObjectNode) schemas.path("ComponentUsageItemRequest").path("properties"))
                    .putObject("missing_usage_policy");
            policy.put("type", "string");
            policy.putArray("enum").add("none").add("reuse").add("zero");
            for (String name : List.of("OfferingComponentRequest", "UpdateOfferingComponentRequest")) {
                ObjectNode props = (ObjectNode) schemas.path(name).path("properties");
                for (String f : List.of("prepaid_duration_step", "min_renewal_duration", "max_renewal_duration",
                        "renewal_duration_step")) {
                    props.putObject(f).put("type", "integer").put("nullable", true);
                }
            }
            return Json.MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void relax(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            if ("uuid".equals(o.path("format").asText(null)) && "string".equals(o.path("type").asText("string"))) {
                o.remove("format");
                o.put("pattern", UUID_PATTERN);
            }
            if ("field".equals(o.path("name").asText(null)) && "query".equals(o.path("in").asText(null))) {
                ObjectNode schema = o.putObject("schema");
                schema.put("type", "array");
                schema.putObject("items").put("type", "string");
            }
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                relax(it.next());
            }
        } else if (node.isArray()) {
            for (JsonNode child : (ArrayNode) node) {
                relax(child);
            }
        }
    }

    /** Human-readable problems of one request; empty when it conforms. */
    List<String> validateRequest(String method, String path, String rawQuery, Map<String, List<String>> query,
                                 Map<String, List<String>> headers, String body) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method.toUpperCase(Locale.ROOT), path);
        headers.forEach((k, v) -> {
            if (k != null) {
                b.withHeader(k, v);
            }
        });
        query.forEach(b::withQueryParam);
        if (body != null && !body.isBlank()) {
            b.withBody(body);
        }
        Request req = b.build();
        ValidationReport report;
        synchronized (validator) {
            report = validator.validateRequest(req);
        }
        return messages(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery), report);
    }

    /** Lenient response check used by the fake's own tests; never recorded as a request violation. */
    List<String> validateResponse(String method, String path, int status, String contentType, String body) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            b.withContentType(contentType);
        }
        if (body != null && !body.isEmpty()) {
            b.withBody(body);
        }
        ValidationReport report;
        synchronized (validator) {
            report = validator.validateResponse(path, Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), b.build());
        }
        List<String> out = new ArrayList<>();
        for (String m : messages(method + " " + path + " -> " + status, report)) {
            // drf-spectacular writes nullable enums/objects as {nullable: true, oneOf|allOf: [...]}; the validator
            // rejects null inside the combinator although the server legitimately returns null there.
            boolean combinator = m.contains("schema.oneOf]") || m.contains("schema.allOf]");
            boolean nullInCombinator = combinator && m.contains("Instance type (null)");
            // Free-form dicts (backend_metadata...) are typed with a few example keys; any key round-trips.
            boolean extraKeys = m.contains("not allowed by the schema");
            if (!nullInCombinator && !extraKeys) {
                out.add(m);
            }
        }
        return out;
    }

    private static List<String> messages(String where, ValidationReport report) {
        List<String> out = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            StringBuilder sb = new StringBuilder(where).append(": [").append(m.getKey()).append("] ")
                    .append(m.getMessage());
            for (String info : m.getAdditionalInfo()) {
                sb.append(" (").append(info).append(')');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
