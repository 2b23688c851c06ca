package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.waldur.agent.config.ComponentConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code load-components} would change in an offering's Waldur components to match {@code backend_components}
 * (the reference's waldur_site_load_components, waldur-api.md §11): a component whose type Waldur lacks is created;
 * one whose billing type, name, unit or limit differs is updated (its {@code limit_period} kept); an equal one is
 * left alone (the reference re-posts it; no write is needed). Components only Waldur has are reported, never removed.
 */
public final class ComponentPlan {
    public enum Kind { CREATE, UPDATE, UNCHANGED, ONLY_IN_WALDUR }

    /** One line of the diff; {@code body} is the request to send (null when nothing is sent). */
    public record Change(Kind kind, String type, List<String> differences, Map<String, Object> body) {
        public String describe() {
            return switch (kind) {
                case CREATE -> "+ create " + type + ": " + String.join(", ", differences);
                case UPDATE -> "~ update " + type + ": " + String.join(", ", differences);
                case UNCHANGED -> "= " + type + " unchanged";
                case ONLY_IN_WALDUR -> "? " + type + " is in Waldur but not in backend_components (left as is)";
            };
        }
    }

    private ComponentPlan() {
    }

    /** {@code waldurComponents}: the offering's {@code components} array as Waldur returns it. */
    public static List<Change> plan(Map<String, ComponentConfig> configured, JsonNode waldurComponents) {
        Map<String, JsonNode> existing = new LinkedHashMap<>();
        waldurComponents.forEach(c -> existing.put(c.path("type").asText(), c));
        List<Change> out = new ArrayList<>();
        configured.forEach((type, c) -> {
            Map<String, Object> want = desired(type, c);
            JsonNode have = existing.get(type);
            if (have == null) {
                List<String> fields = new ArrayList<>();
                want.forEach((k, v) -> fields.add(k + "=" + v));
                out.add(new Change(Kind.CREATE, type, fields, want));
                return;
            }
            List<String> diffs = new ArrayList<>();
            want.forEach((k, v) -> {
                Object was = plain(have.get(k));
                if (!same(was, v)) {
                    diffs.add(k + " " + was + " → " + v);
                }
            });
            if (diffs.isEmpty()) {
                out.add(new Change(Kind.UNCHANGED, type, List.of(), null));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("uuid", have.path("uuid").asText());
            body.putAll(want);
            Object period = plain(have.get("limit_period"));
            if (period != null && !"".equals(period)) {
                body.put("limit_period", period);
            }
            out.add(new Change(Kind.UPDATE, type, diffs, body));
        });
        existing.keySet().stream().filter(t -> !configured.containsKey(t))
                .forEach(t -> out.add(new Change(Kind.ONLY_IN_WALDUR, t, List.of(), null)));
        return out;
    }

    /** The request fields the reference sends: billing_type = accounting_type, name = label, limit_amount = limit. */
    static Map<String, Object> desired(String type, ComponentConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("billing_type", c.accountingType());
        m.put("type", type);
        m.put("name", c.label() == null || c.label().isBlank() ? type : c.label());
        m.put("measured_unit", c.measuredUnit() == null ? "" : c.measuredUnit());
        m.put("limit_amount", c.limit());
        if ("one".equals(c.accountingType())) {
            m.put("is_prepaid", true);
        }
        return m;
    }

    private static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return n.asText();
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue();
        }
        return Objects.equals(a, b);
    }
}
