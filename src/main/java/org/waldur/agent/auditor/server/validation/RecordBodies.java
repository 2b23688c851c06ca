package org.waldur.agent.auditor.server.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.record.RecordJson;
import org.waldur.agent.auditor.record.Score;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the bodies of {@code POST /record}, {@code POST /records} and {@code PUT /record} with AUDITOR's rules
 * (its {@code RecordAdd}/{@code RecordUpdate} types; reference ../shared/reference/auditor.md §1.1–1.2): every
 * name a ValidName, amounts integers ≥ 0 (a JSON float is refused, even {@code 1.0}), score values numbers ≥ 0,
 * times RFC 3339 with an offset, {@code components} required, unknown fields ignored. Anything else is a
 * {@link BadRecord} (400). Knows nothing of HTTP.
 */
public final class RecordBodies {
    private RecordBodies() {
    }

    /** One record ({@code POST /record}). */
    public static Record one(InputStream body) {
        try (JsonParser p = RecordJson.MAPPER.createParser(body)) {
            JsonNode node = p.readValueAsTree();
            if (node == null) {
                throw new BadRecord("EOF while parsing a value at line 1 column 0");
            }
            trailing(p);
            return record(node);
        } catch (JsonProcessingException e) {
            throw new BadRecord(e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecord(e.getMessage());
        }
    }

    /** A JSON array of records ({@code POST /records}), read element by element. */
    public static List<Record> many(InputStream body) {
        try (JsonParser p = RecordJson.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BadRecord("invalid type: expected a sequence of records");
            }
            List<Record> out = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == null) {
                    throw new BadRecord("EOF while parsing a list");
                }
                JsonNode node = p.readValueAsTree();
                try {
                    out.add(record(node));
                } catch (BadRecord e) {
                    throw new BadRecord("record " + out.size() + ": "
                            + e.getMessage().substring("Json deserialize error: ".length()));
                }
            }
            trailing(p);
            return out;
        } catch (JsonProcessingException e) {
            throw new BadRecord(e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecord(e.getMessage());
        }
    }

    /** The record_id and new stop_time of {@code PUT /record}; components are required and ignored, as in AUDITOR. */
    public static Update update(InputStream body) {
        try (JsonParser p = RecordJson.MAPPER.createParser(body)) {
            JsonNode node = p.readValueAsTree();
            if (node == null || !node.isObject()) {
                throw new BadRecord("invalid type: expected a record update");
            }
            trailing(p);
            String id = name(node, "record_id");
            components(node);
            if (node.hasNonNull("meta")) {
                meta(node.get("meta"));
            }
            if (node.hasNonNull("start_time")) {
                time(node, "start_time");
            }
            if (!node.hasNonNull("stop_time")) {
                throw new BadRecord("missing field `stop_time`");
            }
            return new Update(id, time(node, "stop_time"));
        } catch (JsonProcessingException e) {
            throw new BadRecord(e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecord(e.getMessage());
        }
    }

    public record Update(String recordId, Instant stopTime) {
    }

    private static void trailing(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new BadRecord("trailing characters at line " + p.currentLocation().getLineNr());
        }
    }

    static Record record(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadRecord("invalid type: expected struct RecordAdd");
        }
        String id = name(node, "record_id");
        Map<String, List<String>> meta = node.hasNonNull("meta") ? meta(node.get("meta")) : null;
        List<Component> components = components(node);
        if (!node.hasNonNull("start_time")) {
            throw new BadRecord("missing field `start_time`");
        }
        Instant start = time(node, "start_time");
        Instant stop = node.hasNonNull("stop_time") ? time(node, "stop_time") : null;
        return Record.of(id, meta, components, start, stop);
    }

    private static String name(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRecord("missing field `" + field + "`");
        }
        if (!v.isTextual()) {
            throw new BadRecord("invalid type for `" + field + "`: expected a string");
        }
        String problem = Names.problem(v.asText());
        if (problem != null) {
            throw new BadRecord(field + ": " + problem);
        }
        return v.asText();
    }

    private static Map<String, List<String>> meta(JsonNode meta) {
        if (!meta.isObject()) {
            throw new BadRecord("invalid type for `meta`: expected a map of lists of strings");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String problem = Names.problem(e.getKey());
            if (problem != null) {
                throw new BadRecord("meta key: " + problem);
            }
            if (!e.getValue().isArray()) {
                throw new BadRecord("invalid type for `meta." + e.getKey() + "`: expected a sequence of strings");
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : e.getValue()) {
                if (!v.isTextual()) {
                    throw new BadRecord("invalid type in `meta." + e.getKey() + "`: expected a string");
                }
                String vp = Names.problem(v.asText());
                if (vp != null) {
                    throw new BadRecord("meta." + e.getKey() + ": " + vp);
                }
                values.add(v.asText());
            }
            out.put(e.getKey(), values);
        }
        return out;
    }

    private static List<Component> components(JsonNode node) {
        JsonNode cs = node.get("components");
        if (cs == null || cs.isNull()) {
            throw new BadRecord("missing field `components`");
        }
        if (!cs.isArray()) {
            throw new BadRecord("invalid type for `components`: expected a sequence");
        }
        List<Component> out = new ArrayList<>(cs.size());
        for (JsonNode c : cs) {
            if (!c.isObject()) {
                throw new BadRecord("invalid type in `components`: expected struct Component");
            }
            String name = name(c, "name");
            JsonNode amount = c.get("amount");
            if (amount == null || amount.isNull()) {
                throw new BadRecord("missing field `amount`");
            }
            if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() < 0) {
                throw new BadRecord("component " + name + ": amount " + amount + " is not a whole number ≥ 0");
            }
            JsonNode ss = c.get("scores");
            if (ss == null || ss.isNull()) {
                throw new BadRecord("missing field `scores`");
            }
            if (!ss.isArray()) {
                throw new BadRecord("invalid type for `scores`: expected a sequence");
            }
            List<Score> scores = new ArrayList<>(ss.size());
            for (JsonNode s : ss) {
                if (!s.isObject()) {
                    throw new BadRecord("invalid type in `scores`: expected struct Score");
                }
                String sname = name(s, "name");
                JsonNode value = s.get("value");
                if (value == null || value.isNull()) {
                    throw new BadRecord("missing field `value`");
                }
                if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
                    throw new BadRecord("score " + sname + ": value " + value + " is not a number ≥ 0");
                }
                scores.add(new Score(sname, value.asDouble()));
            }
            out.add(new Component(name, amount.asLong(), scores));
        }
        return out;
    }

    private static Instant time(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw new BadRecord("invalid type for `" + field + "`: expected an RFC 3339 string");
        }
        OffsetDateTime t = Timestamps.parse(v.asText());
        if (t == null) {
            throw new BadRecord(field + ": '" + v.asText() + "' is not an RFC 3339 timestamp with offset");
        }
        return t.toInstant();
    }
}
