package org.waldur.agent.auditor.priority;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.waldur.agent.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The priority plugin's YAML, with AUDITOR's keys and defaults (../shared/reference/auditor.md §4.5). Keys this
 * plugin does not act on are kept as warnings, never errors: AUDITOR ignores unknown keys too, and its own test
 * configs spell {@code command:} (which silently means the default command there, and here).
 *
 * @param groups        group → its {@code group_mapping} parameters ({@code {1}}, {@code {2}} …), in file order
 * @param components    component name → score name
 * @param duration      the record window (records started at or after now − duration); null = all records
 */
public record PriorityConfig(String auditorAddr, int auditorPort, Duration timeout, Map<String, String> components,
                             long minPriority, long maxPriority, Map<String, List<String>> groups,
                             List<String> commands, Duration duration, PriorityMode mode, Duration frequency,
                             boolean prometheus, String prometheusAddr, int prometheusPort,
                             Set<String> prometheusMetrics, List<String> warnings) {

    public static final String DEFAULT_COMMAND = "/usr/bin/scontrol update PartitionName={1} PriorityJobFactor={priority}";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KNOWN = Set.of("auditor", "timeout", "components", "min_priority",
            "max_priority", "group_mapping", "commands", "duration", "computation_mode", "frequency", "log_level",
            "logging", "prometheus", "tls_config");

    public String auditorUrl() {
        return "http://" + auditorAddr + ":" + auditorPort;
    }

    public static PriorityConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * The file, then AUDITOR's environment overrides on top: {@code AUDITOR_<KEY>[__<SUBKEY>]=value}, e.g.
     * {@code AUDITOR_AUDITOR__ADDR=10.0.0.5}, {@code AUDITOR_MAX_PRIORITY=1000} (AUDITOR's plugins read the same
     * prefix and separator). Lists cannot be overridden this way.
     */
    public static PriorityConfig load(Path file, Map<String, String> env) {
        String src = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(src, "(file)", "cannot read: " + e.getMessage());
        }
        if (root instanceof com.fasterxml.jackson.databind.node.ObjectNode obj) {
            env.forEach((k, v) -> {
                if (!k.startsWith("AUDITOR_") || k.length() == "AUDITOR_".length()) {
                    return;
                }
                String[] path = k.substring("AUDITOR_".length()).toLowerCase(java.util.Locale.ROOT).split("__");
                com.fasterxml.jackson.databind.node.ObjectNode at = obj;
                for (int i = 0; i < path.length - 1; i++) {
                    JsonNode next = at.path(path[i]);
                    at = next instanceof com.fasterxml.jackson.databind.node.ObjectNode o ? o : at.putObject(path[i]);
                }
                at.put(path[path.length - 1], v);
            });
        }
        return parse(root, src);
    }

    static PriorityConfig parse(JsonNode root, String src) {
        if (root == null || !root.isObject()) {
            throw new ConfigException(src, "(file)", "expected a YAML mapping of AUDITOR priority plugin keys");
        }
        List<String> warnings = new ArrayList<>();
        root.fieldNames().forEachRemaining(k -> {
            if (!KNOWN.contains(k)) {
                warnings.add(src + ": " + k + ": unknown key, ignored (as AUDITOR ignores it)"
                        + (k.equals("command") ? "; did you mean commands? the default command is used" : ""));
            }
        });
        JsonNode auditor = root.path("auditor");
        String addr = text(auditor.path("addr"), "127.0.0.1");
        int port = (int) integer(auditor.path("port"), 8000, src, "auditor.port");
        Map<String, String> components = new LinkedHashMap<>();
        JsonNode comp = root.path("components");
        if (!comp.isObject()) {
            throw new ConfigException(src, "components", "required: a mapping of component name to score name");
        }
        comp.fields().forEachRemaining(e -> components.put(e.getKey(), e.getValue().asText()));
        JsonNode gm = root.path("group_mapping");
        if (!gm.isObject()) {
            throw new ConfigException(src, "group_mapping", "required: a mapping of group name to a list of parameters");
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = gm.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> params = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> params.add(v.asText()));
            } else if (!e.getValue().isNull()) {
                throw new ConfigException(src, "group_mapping." + e.getKey(), "expected a list of parameters");
            }
            groups.put(e.getKey(), List.copyOf(params));
        }
        List<String> commands = new ArrayList<>();
        JsonNode cmds = root.path("commands");
        if (cmds.isArray()) {
            cmds.forEach(c -> commands.add(c.asText()));
        } else if (cmds.isTextual()) {
            commands.add(cmds.asText());
        } else {
            commands.add(DEFAULT_COMMAND);
        }
        long min = integer(root.path("min_priority"), 0, src, "min_priority");
        long max = integer(root.path("max_priority"), 1024, src, "max_priority");
        if (min > max) {
            throw new ConfigException(src, "min_priority", "is greater than max_priority (" + min + " > " + max + ")");
        }
        PriorityMode mode;
        try {
            mode = PriorityMode.parse(text(root.path("computation_mode"), "ScaledBySum"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src, "computation_mode", e.getMessage());
        }
        Duration duration = root.path("duration").isMissingNode() || root.path("duration").isNull() ? null
                : Duration.ofSeconds(integer(root.path("duration"), 0, src, "duration"));
        long frequency = integer(root.path("frequency"), 3600, src, "frequency");
        if (frequency <= 0) {
            throw new ConfigException(src, "frequency", "must be a positive number of seconds");
        }
        JsonNode prom = root.path("prometheus");
        boolean promOn = prom.isObject() && prom.path("enable").asBoolean(true);
        Set<String> metrics = new java.util.LinkedHashSet<>();
        if (prom.path("metrics").isArray()) {
            prom.path("metrics").forEach(m -> metrics.add(m.asText()));
        } else {
            metrics.addAll(List.of("ResourceUsage", "Priority"));
        }
        JsonNode tls = root.path("tls_config");
        if (tls.path("use_tls").asBoolean(false)) {
            warnings.add(src + ": tls_config.use_tls: TLS to the AUDITOR server is not supported by this plugin yet; "
                    + "plain HTTP is used");
        }
        if (root.path("logging").path("log_to_file").asBoolean(false)) {
            warnings.add(src + ": logging.log_to_file: ignored; logs go to the agent's log4j2 configuration");
        }
        return new PriorityConfig(addr, port, Duration.ofSeconds(integer(root.path("timeout"), 30, src, "timeout")),
                java.util.Collections.unmodifiableMap(components),
                min, max, java.util.Collections.unmodifiableMap(groups), List.copyOf(commands), duration, mode,
                Duration.ofSeconds(frequency), promOn, text(prom.path("addr"), "0.0.0.0"),
                (int) integer(prom.path("port"), 9090, src, "prometheus.port"), Set.copyOf(metrics),
                List.copyOf(warnings));
    }

    private static String text(JsonNode n, String dflt) {
        return n.isMissingNode() || n.isNull() ? dflt : n.asText();
    }

    private static long integer(JsonNode n, long dflt, String src, String key) {
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.canConvertToLong() && n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.asText().trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new ConfigException(src, key, "expected an integer, got '" + n.asText() + "'");
    }
}
