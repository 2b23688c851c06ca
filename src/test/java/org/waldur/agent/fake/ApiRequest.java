package org.waldur.agent.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One parsed API request plus the query-parameter conventions of Waldur (django-filter / DRF). */
final class ApiRequest {
    final String method;
    final String path;
    final String rawQuery;
    final String body;
    /** Absolute origin used in Link headers, taken from the Host header ("http://127.0.0.1:8081"). */
    final String origin;
    final Map<String, List<String>> query;
    List<String> groups = List.of();
    private JsonNode json;

    ApiRequest(String method, String path, String rawQuery, String body, String origin) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.body = body == null ? "" : body;
        this.origin = origin;
        this.query = parseQuery(rawQuery);
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The path parameter of the route at index i, as a 32-hex uuid; a malformed uuid is 404 like Django. */
    String uuid(int i) {
        String u = Model.normUuid(groups.get(i));
        if (u == null) {
            throw ApiError.detail(404, "Not found.");
        }
        return u;
    }

    String first(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All non-blank values; repeated keys and, when {@code commas}, comma-joined ones (explode: false). */
    List<String> all(String name, boolean commas) {
        List<String> out = new ArrayList<>();
        for (String v : query.getOrDefault(name, List.of())) {
            for (String part : commas ? v.split(",") : new String[] {v}) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** A uuid filter; several values (comma or repeated) allowed for in-filters. Null = absent. */
    Set<String> uuids(String name) {
        List<String> raw = all(name, true);
        if (raw.isEmpty()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String r : raw) {
            String u = Model.normUuid(r);
            if (u == null) {
                throw ApiError.field(name, "Enter a valid UUID.");
            }
            out.add(u);
        }
        return out;
    }

    /** A MultipleChoiceFilter: repeated keys only; an unknown value is 400 like django-filter. Null = absent. */
    Set<String> choices(String name, List<String> allowed) {
        List<String> raw = all(name, false);
        if (raw.isEmpty()) {
            return null;
        }
        for (String r : raw) {
            if (!allowed.contains(r)) {
                throw ApiError.field(name, "Select a valid choice. " + r + " is not one of the available choices.");
            }
        }
        return new LinkedHashSet<>(raw);
    }

    Boolean bool(String name) {
        String v = first(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "yes": return Boolean.TRUE;
            case "false": case "0": case "no": return Boolean.FALSE;
            default: throw ApiError.field(name, "Select a valid choice. " + v + " is not one of the available choices.");
        }
    }

    LocalDate date(String name) {
        String v = first(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.field(name, "Enter a valid date.");
        }
    }

    Instant dateTime(String name) {
        String v = first(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        Instant t = parseDateTime(v);
        if (t == null) {
            throw ApiError.field(name, "Enter a valid date/time.");
        }
        return t;
    }

    /** ISO datetime with offset or Z; a bare date-time is UTC (server TIME_ZONE of the fake); null if unparsable. */
    static Instant parseDateTime(String v) {
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
    }

    /** The body as a JSON object; empty body = {}. Malformed JSON and non-objects are 400 like DRF. */
    ObjectNode obj() {
        JsonNode n = json();
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!n.isObject()) {
            throw ApiError.field("non_field_errors",
                    "Invalid data. Expected a dictionary, but got " + (n.isArray() ? "list" : "str") + ".");
        }
        return (ObjectNode) n;
    }

    JsonNode json() {
        if (json == null && !body.isBlank()) {
            try {
                json = Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw ApiError.detail(400, "JSON parse error - " + e.getOriginalMessage());
            }
        }
        return json;
    }
}
