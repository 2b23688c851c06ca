package org.waldur.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the reference agent's {@code waldur-site-agent-config.yaml} (era C schema, site-agent-behaviour.md §3)
 * into a validated {@link AgentConfig}.
 */
public final class YamlConfigLoader {
    private static final Set<String> POLICIES = Set.of("common", "individual", "none");
    private static final Set<String> ACCOUNTING_TYPES = Set.of("usage", "limit", "one");

    private YamlConfigLoader() {
    }

    public static AgentConfig load(Path file, Map<String, String> env) {
        String source = file.toString();
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "(file)", "not found");
        } catch (JacksonException e) {
            throw new ConfigException(source, "(file)", "not valid YAML: "
                    + e.getOriginalMessage() + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw new ConfigException(source, "(file)", "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, "(file)", "must be a mapping with an 'offerings' list");
        }
        return read(new Node(source, "", root), source, env);
    }

    static AgentConfig read(Node root, String source, Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        ZoneId zone = zone(root, "timezone", root.string("timezone", "UTC"));
        // this agent's extension: Waldur's own TIME_ZONE, when known, lets the current month be reported from its
        // first hour (ReportingPeriods); unknown, the usage date is one that no server zone can misfile
        String serverTz = root.string("waldur_timezone", null);
        ZoneId waldurZone = serverTz == null || serverTz.isBlank() ? null : zone(root, "waldur_timezone", serverTz);
        int periods = root.integer("reporting_periods", 2, 1, 12);
        int concurrency = root.integer("waldur_max_concurrent_requests", AgentConfig.DEFAULT_MAX_CONCURRENT_REQUESTS, 1, 64);
        String logLevel = root.string("log_level", "INFO").toUpperCase();
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL").contains(logLevel)) {
            throw root.error("log_level", "must be DEBUG, INFO, WARNING, ERROR or CRITICAL");
        }
        boolean expose = root.bool("expose_backend_error_details", true);
        String sentryDsn = root.string("sentry_dsn", "").trim();
        for (String ignored : List.of("elastic_apm_server_url", "global_proxy", "log_shipping")) {
            if (root.has(ignored)) {
                warnings.add(source + ": " + ignored + ": not supported by this agent, ignored");
            }
        }
        Map<Mode, Double> minutes = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            Double fromFile = root.positiveDouble(m.cliName + "_period_minutes");
            minutes.put(m, fromFile != null ? fromFile : m.defaultPeriodMinutes);
        }
        applyPeriodEnv(minutes, env);

        List<Node> offeringNodes = root.list("offerings");
        if (offeringNodes.isEmpty()) {
            throw root.error("offerings", "is required and must list at least one offering");
        }
        List<OfferingConfig> offerings = new ArrayList<>();
        for (Node o : offeringNodes) {
            offerings.add(offering(o, warnings));
            o.unknownKeys(warnings);
        }
        root.unknownKeys(warnings);
        return new AgentConfig(source, List.copyOf(offerings), zone, periods, logLevel, expose, minutes,
                List.copyOf(warnings), sentryDsn, waldurZone, concurrency);
    }

    /** A zoneinfo name, as upstream requires: sacct gets it as TZ=, where "UTC+02:00" would mean UTC-2. */
    private static ZoneId zone(Node root, String key, String tz) {
        try {
            ZoneId zone = ZoneId.of(tz);
            if (!ZoneId.getAvailableZoneIds().contains(zone.getId())) {
                throw new DateTimeException(tz);
            }
            return zone;
        } catch (DateTimeException e) {
            throw root.error(key, "'" + tz + "' is not a time zone name (e.g. UTC, Europe/Tallinn)");
        }
    }

    /** The reference agent's period variables override the file (they are how its systemd units set them). */
    static void applyPeriodEnv(Map<Mode, Double> minutes, Map<String, String> env) {
        for (Mode m : Mode.values()) {
            String v = env.get(m.periodEnv);
            if (v != null && !v.isBlank()) {
                try {
                    double d = Double.parseDouble(v.trim());
                    if (d <= 0) {
                        throw new NumberFormatException();
                    }
                    minutes.put(m, d);
                } catch (NumberFormatException e) {
                    throw new ConfigException("environment", m.periodEnv, "must be a positive number of minutes, not '" + v + "'");
                }
            }
        }
    }

    private static OfferingConfig offering(Node o, List<String> warnings) {
        String name = o.requiredString("name");
        String uuid = Uuids.hex(o, "waldur_offering_uuid");
        URI url = apiUrl(o, "waldur_api_url");
        String token = o.string("waldur_api_token", "");
        OidcCredentials oidc = oidc(o);
        if (token.isBlank() && oidc == null) {
            throw o.error("waldur_api_token", "is required, or all three of oidc_token_url, oidc_client_id, "
                    + "oidc_client_secret");
        }
        String backendType = o.requiredString("backend_type").toLowerCase();
        if (!backendType.equals("slurm")) {
            throw o.error("backend_type", "'" + backendType + "' is not supported; this agent drives SLURM only");
        }
        for (String ignored : List.of("username_management_backend", "resource_import_enabled",
                "username_reconciliation_enabled")) {
            o.has(ignored); // accepted for compatibility; imports are not implemented
        }
        boolean stomp = o.bool("stomp_enabled", false);
        String wsPath = o.string("stomp_ws_path", EventSettings.DEFAULTS.path());
        if (wsPath.isBlank() || wsPath.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            throw o.error("stomp_ws_path", "must be a URL path such as /rmqws-stomp, not '" + wsPath + "'");
        }
        EventSettings events = new EventSettings(o.string("stomp_ws_host", null),
                o.has("stomp_ws_port") ? o.integer("stomp_ws_port", 443, 1, 65535) : null, wsPath,
                o.bool("websocket_use_tls", true), o.bool("stomp_membership_sync_enabled", true));
        SlurmSettings slurm = slurmSettings(o.child("backend_settings"), warnings);
        if (!o.has("backend_components")) {
            // without components every Create would get no GrpTRESMins (unlimited): refuse to start instead
            throw o.error("backend_components", "is required: the components (cpu, mem, gres/gpu, …) whose limits "
                    + "and usage this offering maps to SLURM TRES");
        }
        Map<String, ComponentConfig> components = components(o.child("backend_components"), false);
        if (components.isEmpty()) {
            throw o.error("backend_components", "must define at least one component");
        }
        return new OfferingConfig(name, uuid, url, new Secret(token), o.bool("verify_ssl", true),
                o.string("order_processing_backend", ""), o.string("membership_sync_backend", ""),
                o.string("reporting_backend", ""), stomp, slurm, components, oidc, events,
                o.bool("service_accounts_sync_enabled", true));
    }

    /** All three OIDC keys or none; with them, the token key may be left out (the reference's rule). */
    private static OidcCredentials oidc(Node o) {
        String url = o.string("oidc_token_url", "").trim();
        String id = o.string("oidc_client_id", "").trim();
        String secret = o.string("oidc_client_secret", "");
        if (url.isEmpty() && id.isEmpty() && secret.isEmpty()) {
            return null;
        }
        for (String[] kv : new String[][]{{"oidc_token_url", url}, {"oidc_client_id", id}, {"oidc_client_secret", secret}}) {
            if (kv[1].isBlank()) {
                throw o.error(kv[0], "is required when any of oidc_token_url, oidc_client_id, oidc_client_secret is set");
            }
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw o.error("oidc_token_url", "must start with http:// or https://, not '" + url + "'");
        }
        try {
            return new OidcCredentials(URI.create(url), id, new Secret(secret));
        } catch (IllegalArgumentException e) {
            throw o.error("oidc_token_url", "is not a valid URL: " + e.getMessage());
        }
    }

    static URI apiUrl(Node o, String key) {
        String raw = o.requiredString(key).trim();
        if (!raw.startsWith("http://") && !raw.startsWith("https://")) {
            throw o.error(key, "must start with http:// or https://, not '" + raw + "'");
        }
        try {
            return URI.create(raw.endsWith("/") ? raw : raw + "/");
        } catch (IllegalArgumentException e) {
            throw o.error(key, "is not a valid URL: " + e.getMessage());
        }
    }

    static SlurmSettings slurmSettings(Node s, List<String> warnings) {
        String defaultAccount = s.requiredString("default_account");
        String policy = s.string("default_account_policy", "common").toLowerCase();
        if (!POLICIES.contains(policy)) {
            throw s.error("default_account_policy", "must be common, individual or none, not '" + policy + "'");
        }
        if (policy.equals("common") && defaultAccount.equals("root")) {
            warnings.add(s.key("default_account") + ": 'root' with policy 'common' gives every added user an "
                    + "association with root, outside every allocation limit; consider default_account_policy: individual");
        }
        List<String> prefix = s.stringList("command_prefix");
        String deployment = s.string("deployment_type", "native");
        if (deployment.equals("docker")) {
            prefix = List.of("docker", "exec", "-i", s.string("container_name", "slurmctld")); // -i: load reads its file from stdin
        } else if (!deployment.equals("native")) {
            throw s.error("deployment_type", "must be native or docker, not '" + deployment + "'");
        }
        String basis = s.string("usage_basis", "requested").toLowerCase();
        if (!basis.equals("requested") && !basis.equals("allocated")) {
            throw s.error("usage_basis", "must be requested or allocated, not '" + basis + "'");
        }
        String umask = s.string("default_homedir_umask", s.string("homedir_umask", "0077"));
        if (!umask.matches("0?[0-7]{3}")) {
            throw s.error("default_homedir_umask", "must be an octal umask such as 0077, not '" + umask + "'");
        }
        for (String ignored : List.of("execution_mode", "rest_api", "qos_enforcement_enabled", "enforce_offering_qos",
                "qos_management", "homedir_quota", "project_directory", "ldap",
                "check_all_offerings", "team_fetch_attempts")) {
            if (s.has(ignored)) {
                warnings.add(s.key(ignored) + ": not supported by this agent, ignored");
            }
        }
        SlurmSettings settings = new SlurmSettings(
                defaultAccount,
                policy,
                s.string("root_account", defaultAccount),
                s.requiredStringAllowEmpty("customer_prefix"),
                s.requiredStringAllowEmpty("project_prefix"),
                s.requiredStringAllowEmpty("allocation_prefix"),
                s.string("parent_account", null),
                s.string("cluster_name", null),
                s.string("slurm_bin_path", "/usr/bin"),
                List.copyOf(prefix),
                s.string("default_partition", null),
                s.bool("enforce_offering_partitions", false),
                s.string("qos_default", "normal"),
                s.string("qos_downscaled", null),
                s.string("qos_paused", null),
                s.bool("enable_user_homedir_account_creation", true),
                umask,
                s.string("homedir_base_path", null),
                s.bool("check_backend_id_uniqueness", false),
                s.integer("backend_id_max_retries", 50, 1, 1000),
                s.bool("soft_delete", false),
                false,
                0,
                basis.equals("allocated") ? SlurmSettings.UsageBasis.ALLOCATED : SlurmSettings.UsageBasis.REQUESTED,
                PeriodicLimitsSettings.parse(s.child("periodic_limits")));
        SettingsCheck.names(settings, s);
        s.unknownKeys(warnings);
        return settings;
    }

    /** The largest TRES amount SLURM stores (a signed 64-bit count, slurm.md §8). */
    static final BigDecimal MAX_SLURM_AMOUNT = BigDecimal.valueOf(Long.MAX_VALUE);

    /** Components keyed by TRES type. {@code legacy}: era A TRES file, limits already in SLURM units. */
    static Map<String, ComponentConfig> components(Node c, boolean legacy) {
        Map<String, ComponentConfig> out = new LinkedHashMap<>();
        c.entries().forEach((type, n) -> {
            if (!type.matches("[a-zA-Z0-9_\\-/:]+")) {
                throw c.error(type, "is not a valid TRES type");
            }
            String accounting = n.requiredString("accounting_type");
            if (!ACCOUNTING_TYPES.contains(accounting)) {
                throw n.error("accounting_type", "must be usage, limit or one, not '" + accounting + "'");
            }
            BigDecimal factor = legacy ? BigDecimal.ONE : n.decimal("unit_factor", BigDecimal.ONE);
            if (factor.signum() <= 0) {
                throw n.error("unit_factor", "must be positive");
            }
            BigDecimal limit = n.decimal("limit", null);
            if (limit != null && (limit.signum() < 0 || limit.stripTrailingZeros().scale() > 0)) {
                throw n.error("limit", "must be a whole, non-negative number");
            }
            if (limit != null && limit.multiply(factor).compareTo(MAX_SLURM_AMOUNT) > 0) {
                throw n.error("limit", limit.toPlainString().length() > 30 ? "is too large: limit × unit_factor must not exceed " + MAX_SLURM_AMOUNT
                        : limit.toPlainString() + " × unit_factor " + factor.toPlainString() + " exceeds " + MAX_SLURM_AMOUNT + ", the most SLURM can hold");
            }
            if (factor.compareTo(MAX_SLURM_AMOUNT) > 0) {
                throw n.error("unit_factor", "is too large: must not exceed " + MAX_SLURM_AMOUNT);
            }
            for (String passThrough : List.of("description", "min_value", "max_value", "max_available_limit",
                    "default_limit", "limit_period", "article_code", "is_boolean", "is_prepaid", "min_prepaid_duration",
                    "max_prepaid_duration", "prepaid_duration_step", "min_renewal_duration", "max_renewal_duration",
                    "renewal_duration_step", "target_components")) {
                n.has(passThrough); // used by load-components upstream; accepted here
            }
            out.put(type, new ComponentConfig(type, n.requiredString("label"), n.requiredString("measured_unit"),
                    accounting, factor, n.decimal("unit_factor_reporting", null),
                    limit == null ? null : limit.longValueExact()));
        });
        return out;
    }
}
