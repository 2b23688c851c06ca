package org.waldur.agent.auditor.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads AUDITOR's server config file and its {@code AUDITOR_<SECTION>__<KEY>} environment overrides (AUDITOR's
 * config-rs setup: prefix {@code AUDITOR_}, separator {@code __}, lists split on {@code ,}) into
 * {@link ServerSettings}. Like AUDITOR (serde {@code deny_unknown_fields}) an unknown key is an error, so a typo
 * cannot silently leave a default in force; every error names the file (or variable) and the key.
 */
public final class ServerConfigLoader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, String> origins = new HashMap<>();
    private final String file;
    private final List<String> warnings = new ArrayList<>();

    private static final Logger LOG = LoggerFactory.getLogger(ServerConfigLoader.class);
    /** The top-level keys of AUDITOR's server config. */
    private static final Set<String> TOP_LEVEL = Set.of("environment", "application", "database", "metrics",
            "log_level", "logging", "tls_config", "rbac_config", "ignore_record_exists_error", "archival_config",
            "max_body_size");

    private ServerConfigLoader(String file) {
        this.file = file;
    }

    /** The settings from {@code file} (may be null: defaults only) overlaid with the AUDITOR_ variables of env. */
    public static ServerSettings load(Path file, Map<String, String> env) {
        ServerConfigLoader loader = new ServerConfigLoader(file == null ? "(no config file)" : file.toString());
        ObjectNode root = file == null ? NODES.objectNode() : loader.readFile(file);
        loader.overlay(root, env);
        return loader.settings(root);
    }

    private ObjectNode readFile(Path path) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "(file)", "not found");
        } catch (JacksonException e) {
            throw new ConfigException(file, "(file)", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw new ConfigException(file, "(file)", "cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return NODES.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(file, "(file)", "must be a mapping (application, database, metrics, log_level)");
        }
        return (ObjectNode) root;
    }

    /** AUDITOR_APPLICATION__PORT=8001 → application.port = "8001"; AUDITOR_LOG_LEVEL → log_level. */
    private void overlay(ObjectNode root, Map<String, String> env) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith("AUDITOR_") || e.getKey().equals("AUDITOR_ENVIRONMENT")) {
                continue;
            }
            String[] parts = e.getKey().substring("AUDITOR_".length()).toLowerCase(Locale.ROOT).split("__");
            if (!TOP_LEVEL.contains(parts[0])) {
                // another program's variable (AUDITOR_SLURM_COLLECTOR_…, a test's AUDITOR_TEST_PG_URL): the
                // environment is shared, so it must not stop the server; a typo in a section name is shown here
                LOG.warn("ignoring environment variable {}: {} is not a setting of the record server (known: {})",
                        e.getKey(), parts[0], new TreeSet<>(TOP_LEVEL));
                continue;
            }
            ObjectNode at = root;
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                key.append(parts[i]).append('.');
                JsonNode next = at.get(parts[i]);
                if (next == null || !next.isObject()) {
                    next = at.putObject(parts[i]);
                }
                at = (ObjectNode) next;
            }
            String leaf = parts[parts.length - 1];
            key.append(leaf);
            if (key.toString().equals("application.addr")) {
                ArrayNode list = at.putArray(leaf);
                for (String a : e.getValue().split(",")) {
                    list.add(a.trim());
                }
            } else {
                at.put(leaf, e.getValue());
            }
            origins.put(key.toString(), "environment " + e.getKey());
        }
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(origins.getOrDefault(key, file), key, problem);
    }

    private ServerSettings settings(ObjectNode root) {
        allowOnly(root, "", TOP_LEVEL);
        ObjectNode app = section(root, "application");
        allowOnly(app, "application.", Set.of("addr", "port", "web_workers"));
        List<String> addr = strings(app, "application.addr", List.of("127.0.0.1"));
        int port = integer(app, "application.port", 8000, 0, 65535);
        integer(app, "application.web_workers", 4, 1, 1024);

        ServerSettings.Database db = database(section(root, "database"));
        ServerSettings.DatabaseMetrics metrics = metrics(section(section(root, "metrics"), "database"));
        String logLevel = logLevel(root);
        boolean ignoreExists = bool(root, "ignore_record_exists_error", false);
        long maxBody = integer(root, "max_body_size", 64L << 20, 1024, Integer.MAX_VALUE);

        ObjectNode tls = section(root, "tls_config");
        if (bool(tls, "tls_config.use_tls", false)) {
            throw error("tls_config.use_tls", "TLS is not served by this record server yet; terminate TLS in a "
                    + "reverse proxy and set use_tls: false");
        }
        ObjectNode rbac = section(root, "rbac_config");
        if (bool(rbac, "rbac_config.enforce_rbac", false)) {
            throw error("rbac_config.enforce_rbac", "RBAC (client-certificate roles) is not implemented by this "
                    + "record server; set enforce_rbac: false");
        }
        if (root.has("archival_config") && !root.get("archival_config").isNull()) {
            warnings.add(file + ": archival_config: ignored: this record server keeps every record in PostgreSQL");
        }
        return new ServerSettings(List.copyOf(addr), port, db, metrics, logLevel, ignoreExists, maxBody,
                List.copyOf(warnings));
    }

    private ServerSettings.Database database(ObjectNode db) {
        allowOnly(db, "database.", Set.of("kind", "path", "run_as", "host", "port", "username", "password",
                "database_name", "require_ssl"));
        String kind = text(db, "database.kind", db.has("host") ? "external" : "embedded");
        Path path = Path.of(text(db, "database.path", "./auditor-data"));
        String runAs = text(db, "database.run_as", "nobody");
        boolean embedded;
        switch (kind) {
            case "embedded" -> embedded = true;
            case "external", "postgres", "postgresql" -> embedded = false;
            default -> throw error("database.kind", "'" + kind + "' is not embedded or external");
        }
        if (embedded) {
            return new ServerSettings.Database(true, path, runAs, "127.0.0.1", 0, "postgres", null, "auditor", false);
        }
        String host = required(db, "database.host");
        int port = integer(db, "database.port", 5432, 1, 65535);
        String user = required(db, "database.username");
        String password = text(db, "database.password", "");
        String name = required(db, "database.database_name");
        boolean ssl = bool(db, "database.require_ssl", false);
        return new ServerSettings.Database(false, path, runAs, host, port, user, password, name, ssl);
    }

    private ServerSettings.DatabaseMetrics metrics(ObjectNode m) {
        allowOnly(m, "metrics.database.", Set.of("frequency", "metrics", "meta_key_site", "meta_key_group",
                "meta_key_user"));
        long seconds = integer(m, "metrics.database.frequency", 30, 1, 86_400);
        Set<String> names = new LinkedHashSet<>(strings(m, "metrics.database.metrics", List.of()));
        for (String n : names) {
            if (!ServerSettings.DatabaseMetrics.KNOWN.contains(n)) {
                throw error("metrics.database.metrics", "'" + n + "' is not one of "
                        + String.join(", ", new TreeSet<>(ServerSettings.DatabaseMetrics.KNOWN)));
            }
        }
        return new ServerSettings.DatabaseMetrics(Duration.ofSeconds(seconds), Set.copyOf(names),
                text(m, "metrics.database.meta_key_site", "site"),
                text(m, "metrics.database.meta_key_group", "group"),
                text(m, "metrics.database.meta_key_user", "user"));
    }

    private String logLevel(ObjectNode root) {
        String level = text(root, "log_level", "info").toLowerCase(Locale.ROOT);
        return switch (level) {
            case "trace", "debug", "info", "error", "off" -> level;
            case "warn", "warning" -> "warn";
            default -> throw error("log_level", "'" + level + "' is not trace, debug, info, warn, error or off");
        };
    }

    private void allowOnly(ObjectNode node, String prefix, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw error(prefix + name, "unknown key (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private ObjectNode section(ObjectNode parent, String name) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return NODES.objectNode();
        }
        if (!v.isObject()) {
            throw error(name, "must be a mapping");
        }
        return (ObjectNode) v;
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    private String text(ObjectNode node, String key, String dflt) {
        JsonNode v = node.get(leaf(key));
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw error(key, "must be a single value");
        }
        return v.asText();
    }

    private String required(ObjectNode node, String key) {
        String v = text(node, key, null);
        if (v == null || v.isBlank()) {
            throw error(key, "is required for an external PostgreSQL (or set database.kind: embedded)");
        }
        return v;
    }

    private long integer(ObjectNode node, String key, long dflt, long min, long max) {
        String v = text(node, key, null);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw error(key, "'" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw error(key, n + " is out of range " + min + ".." + max);
        }
        return n;
    }

    private int integer(ObjectNode node, String key, int dflt, int min, int max) {
        return (int) integer(node, key, (long) dflt, min, max);
    }

    private boolean bool(ObjectNode node, String key, boolean dflt) {
        String v = text(node, key, null);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(key, "'" + v + "' is not true or false");
        };
    }

    private List<String> strings(ObjectNode node, String key, List<String> dflt) {
        JsonNode v = node.get(leaf(key));
        if (v == null || v.isNull()) {
            return dflt;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode()) {
                    throw error(key, "must be a list of strings");
                }
                out.add(e.asText());
            }
        } else if (v.isValueNode()) {
            out.add(v.asText());
        } else {
            throw error(key, "must be a list of strings");
        }
        return out;
    }
}
