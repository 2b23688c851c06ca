package org.waldur.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping read with its dotted key path, so every error can name the file and the key
 * ({@code offerings[0].backend_settings.customer_prefix}). Keys a reader never asked for are reported
 * as warnings by {@link #unknownKeys}, not errors: newer reference-agent keys must not stop this agent.
 */
final class Node {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Set<String> asked = new java.util.HashSet<>();

    Node(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    ConfigException error(String name, String problem) {
        return new ConfigException(source, key(name), problem);
    }

    private JsonNode raw(String name) {
        asked.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    String string(String name, String dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw error(name, "must be a string");
        }
        return v.asText();
    }

    String requiredString(String name) {
        String v = string(name, null);
        if (v == null || v.isBlank()) {
            throw error(name, "is required");
        }
        return v;
    }

    /** A key that must be present but may be empty (name prefixes may legitimately be ""). */
    String requiredStringAllowEmpty(String name) {
        String v = string(name, null);
        if (v == null) {
            throw error(name, "is required (use \"\" for none)");
        }
        return v;
    }

    boolean bool(String name, boolean dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String s = v.asText().trim().toLowerCase();
        return switch (s) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw error(name, "must be true or false, not '" + v.asText() + "'");
        };
    }

    int integer(String name, int dflt, int min, int max) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        int value;
        try {
            value = v.isNumber() && v.canConvertToInt() ? v.intValue() : Integer.parseInt(v.asText().trim());
        } catch (NumberFormatException e) {
            throw error(name, "must be a whole number, not '" + v.asText() + "'");
        }
        if (value < min || value > max) {
            throw error(name, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    BigDecimal decimal(String name, BigDecimal dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        try {
            return new BigDecimal(v.asText().trim());
        } catch (NumberFormatException e) {
            throw error(name, "must be a number, not '" + v.asText() + "'");
        }
    }

    Double positiveDouble(String name) {
        BigDecimal d = decimal(name, null);
        if (d == null) {
            return null;
        }
        if (d.signum() <= 0) {
            throw error(name, "must be positive");
        }
        return d.doubleValue();
    }

    List<String> stringList(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.asText().trim().split("\\s+"));
        }
        if (!v.isArray()) {
            throw error(name, "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }

    Node child(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return new Node(source, key(name), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        }
        if (!v.isObject()) {
            throw error(name, "must be a mapping");
        }
        return new Node(source, key(name), v);
    }

    List<Node> list(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(name, "must be a list");
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw new ConfigException(source, key(name) + "[" + i + "]", "must be a mapping");
            }
            out.add(new Node(source, key(name) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /** The entries of a mapping whose keys are data (component types), each as a Node. */
    Map<String, Node> entries() {
        Map<String, Node> out = new java.util.LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            asked.add(e.getKey());
            if (!e.getValue().isObject()) {
                throw error(e.getKey(), "must be a mapping");
            }
            out.put(e.getKey(), new Node(source, key(e.getKey()), e.getValue()));
        }
        return out;
    }

    /** Warnings for keys present in the file that no reader asked for. */
    void unknownKeys(List<String> warnings) {
        node.fieldNames().forEachRemaining(k -> {
            if (!asked.contains(k)) {
                warnings.add(source + ": " + key(k) + ": unknown key, ignored");
            }
        });
    }
}
