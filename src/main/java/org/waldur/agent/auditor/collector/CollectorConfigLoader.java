package org.waldur.agent.auditor.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.waldur.agent.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads AUDITOR's SLURM collector YAML with AUDITOR's rules (auditor.md §3.7): unknown top-level keys (and unknown
 * keys under {@code logging}) are errors, as serde's {@code deny_unknown_fields}; {@code tls_config} is required;
 * {@code AUDITOR_SLURM_COLLECTOR_<KEY>} environment variables override scalars ({@code __} separates nested keys:
 * {@code AUDITOR_SLURM_COLLECTOR_PORT=8001}, {@code AUDITOR_SLURM_COLLECTOR_JOB_FILTER__STATUS=completed,failed}).
 * Every problem is a {@link ConfigException} naming the file and the key. Regexes are compiled here, so a bad one
 * stops the start instead of a poll (AUDITOR panics mid-poll).
 */
public final class CollectorConfigLoader {
    public static final String ENV_PREFIX = "AUDITOR_SLURM_COLLECTOR_";
    private static final Set<String> TOP_LEVEL = Set.of("addr", "port", "record_prefix", "sites", "meta",
            "earliest_datetime", "components", "sacct_frequency", "sender_frequency", "database_path", "job_filter",
            "log_level", "logging", "tls_config", "sacct_overlap", "sender_batch_size", "request_timeout");
    private static final Set<String> LOGGING = Set.of("log_dir", "log_file_prefix", "log_to_file", "log_file_size",
            "number_of_rotated_backups");
    private static final List<String> JOB_FILTER = List.of("status", "partition", "user", "group", "account");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String source;
    private final List<String> warnings = new ArrayList<>();

    private CollectorConfigLoader(String source) {
        this.source = source;
    }

    public record Loaded(CollectorConfig config, List<String> warnings) {
    }

    public static Loaded load(Path file, Map<String, String> env, Supplier<Instant> now) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "(file)", "no such file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "(file)", "cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, env, now);
    }

    public static Loaded parse(String source, String yaml, Map<String, String> env, Supplier<Instant> now) {
        CollectorConfigLoader l = new CollectorConfigLoader(source);
        JsonNode root;
        try {
            root = yaml.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(source, "(file)", "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(source, "(file)", "expected a mapping of settings");
        }
        l.applyEnv((ObjectNode) root, env);
        return new Loaded(l.build(root, now), List.copyOf(l.warnings));
    }

    private void applyEnv(ObjectNode root, Map<String, String> env) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String[] path = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
            ObjectNode node = root;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = node.get(path[i]);
                node = child instanceof ObjectNode o ? o : node.putObject(path[i]);
            }
            String leaf = path[path.length - 1];
            if (path.length == 2 && path[0].equals("job_filter")) {
                ArrayList<String> items = new ArrayList<>(List.of(e.getValue().split(",")));
                items.removeIf(String::isBlank);
                var arr = node.putArray(leaf);
                items.forEach(arr::add);
            } else {
                node.put(leaf, e.getValue());
            }
        }
    }

    private CollectorConfig build(JsonNode root, Supplier<Instant> now) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP_LEVEL.contains(k)) {
                throw new ConfigException(source, k, "unknown key (AUDITOR's collector refuses unknown keys too); known: "
                        + TOP_LEVEL.stream().sorted().toList());
            }
        }
        JsonNode logging = root.path("logging");
        if (logging.isObject()) {
            logging.fieldNames().forEachRemaining(k -> {
                if (!LOGGING.contains(k)) {
                    throw new ConfigException(source, "logging." + k, "unknown key");
                }
            });
            if (logging.path("log_to_file").asBoolean(false)) {
                warnings.add(source + ": logging.log_to_file: not supported, logs go to standard output "
                        + "(journald under systemd)");
            }
        }
        tls(root);
        List<CollectorConfig.Site> sites = new ArrayList<>();
        if (root.has("sites")) {
            int i = 0;
            for (JsonNode s : list(root, "sites")) {
                String at = "sites[" + i++ + "]";
                sites.add(new CollectorConfig.Site(text(s, at, "name", null), onlyIf(s, at)));
            }
        } else {
            sites.add(new CollectorConfig.Site("NOT_CONFIGURED", null));
        }
        List<CollectorConfig.Meta> meta = new ArrayList<>();
        int i = 0;
        for (JsonNode m : list(root, "meta")) {
            String at = "meta[" + i++ + "]";
            meta.add(new CollectorConfig.Meta(text(m, at, "name", null), text(m, at, "key", null),
                    keyType(m, at), bool(m, at, "key_allow_empty", false), onlyIf(m, at)));
        }
        List<CollectorConfig.ComponentSpec> components = new ArrayList<>();
        if (root.has("components")) {
            i = 0;
            for (JsonNode c : list(root, "components")) {
                String at = "components[" + i++ + "]";
                List<CollectorConfig.ScoreSpec> scores = new ArrayList<>();
                int j = 0;
                for (JsonNode s : list(c, "scores")) {
                    String sat = at + ".scores[" + j++ + "]";
                    double v = number(s, sat, "value");
                    if (v < 0 || Double.isNaN(v)) {
                        throw new ConfigException(source, sat + ".value", "a score must be ≥ 0 (AUDITOR refuses it)");
                    }
                    scores.add(new CollectorConfig.ScoreSpec(text(s, sat, "name", null), v, onlyIf(s, sat)));
                }
                Long dflt = c.hasNonNull("default_value") ? (long) integer(c, at, "default_value", 0) : null;
                components.add(new CollectorConfig.ComponentSpec(text(c, at, "name", null), text(c, at, "key", null),
                        keyType(c, at), bool(c, at, "key_allow_empty", false), dflt, scores, onlyIf(c, at)));
            }
        } else {
            components.add(new CollectorConfig.ComponentSpec("Cores", "NCPUS", KeyType.Integer, false, null, List.of(), null));
        }
        Map<String, List<String>> filter = new LinkedHashMap<>();
        JsonNode jf = root.path("job_filter");
        for (String k : JOB_FILTER) {
            List<String> values = new ArrayList<>();
            if (jf.has(k)) {
                for (JsonNode v : list(jf, k)) {
                    values.add(v.asText());
                }
            } else if (k.equals("status")) {
                values.add("completed");
            }
            filter.put(k, values);
        }
        int port = (int) integer(root, "", "port", 8000);
        if (port < 1 || port > 65535) {
            throw new ConfigException(source, "port", "must be 1..65535");
        }
        String prefix = text(root, "", "record_prefix", "slurm");
        return new CollectorConfig(
                text(root, "", "addr", "127.0.0.1"), port, prefix, sites, meta,
                root.hasNonNull("earliest_datetime") ? instant(root.get("earliest_datetime")) : now.get(),
                components,
                seconds(root, "sacct_frequency", 10), seconds(root, "sender_frequency", 1),
                databasePath(text(root, "", "database_path", "sqlite://testdb.db")),
                filter, text(root, "", "log_level", "info"),
                seconds(root, "sacct_overlap", 600), (int) integer(root, "", "sender_batch_size", 500),
                seconds(root, "request_timeout", 30));
    }

    private void tls(JsonNode root) {
        JsonNode tls = root.get("tls_config");
        if (tls == null || tls.isNull()) {
            throw new ConfigException(source, "tls_config", "missing (AUDITOR's collector requires it; "
                    + "write `tls_config: {use_tls: false}` for plain HTTP)");
        }
        if (!tls.isObject() || !tls.has("use_tls")) {
            throw new ConfigException(source, "tls_config.use_tls", "missing");
        }
        if (bool(tls, "tls_config", "use_tls", false)) {
            throw new ConfigException(source, "tls_config.use_tls", "true is not supported by this collector yet; "
                    + "use plain HTTP on a trusted network or a local TLS proxy");
        }
    }

    /** AUDITOR's {@code sqlite://path} (or a plain path) → the file path. */
    private static String databasePath(String v) {
        if (v.startsWith("sqlite://")) {
            return v.substring("sqlite://".length());
        }
        return v.startsWith("sqlite:") ? v.substring("sqlite:".length()) : v;
    }

    private Instant instant(JsonNode v) {
        String s = v.asText();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e2) {
                throw new ConfigException(source, "earliest_datetime", "not an ISO 8601 date-time: '" + s
                        + "' (e.g. 2026-01-01T00:00:00Z)");
            }
        }
    }

    private CollectorConfig.OnlyIf onlyIf(JsonNode parent, String at) {
        JsonNode o = parent.get("only_if");
        if (o == null || o.isNull()) {
            return null;
        }
        String key = text(o, at + ".only_if", "key", null);
        String re = text(o, at + ".only_if", "matches", null);
        try {
            return new CollectorConfig.OnlyIf(key, Pattern.compile(re));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(source, at + ".only_if.matches", "not a valid regex: " + e.getDescription());
        }
    }

    private KeyType keyType(JsonNode n, String at) {
        String t = text(n, at, "key_type", "Integer");
        try {
            return KeyType.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, at + ".key_type", "unknown type '" + t
                    + "'; one of Integer, IntegerMega, Time, String, DateTime, Id, Json");
        }
    }

    private Iterable<JsonNode> list(JsonNode parent, String key) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ConfigException(source, key, "expected a list");
        }
        return v;
    }

    private String text(JsonNode n, String at, String key, String dflt) {
        JsonNode v = n.get(key);
        String where = at.isEmpty() ? key : at + "." + key;
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new ConfigException(source, where, "missing");
            }
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(source, where, "expected a value");
        }
        String s = v.asText();
        if (dflt == null && s.isBlank()) {
            throw new ConfigException(source, where, "must not be empty");
        }
        return s;
    }

    private boolean bool(JsonNode n, String at, String key, boolean dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        String s = v.asText().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(source, at + "." + key, "expected true or false, not '" + v.asText() + "'");
    }

    private long integer(JsonNode n, String at, String key, long dflt) {
        JsonNode v = n.get(key);
        String where = at.isEmpty() ? key : at + "." + key;
        if (v == null || v.isNull()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.asText().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(source, where, "expected an integer, not '" + v.asText() + "'");
        }
    }

    private double number(JsonNode n, String at, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new ConfigException(source, at + "." + key, "missing");
        }
        try {
            return Double.parseDouble(v.asText().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(source, at + "." + key, "expected a number, not '" + v.asText() + "'");
        }
    }

    private Duration seconds(JsonNode root, String key, long dflt) {
        long s = integer(root, "", key, dflt);
        if (s < 0 || (s == 0 && !key.equals("sacct_overlap"))) {
            throw new ConfigException(source, key, "must be a positive number of seconds");
        }
        return Duration.ofSeconds(s);
    }
}
