package org.waldur.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.waldur.agent.slurm.SlurmNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The 0.2.x configuration: environment variables (site-agent-behaviour.md §4), optionally with
 * {@code WALDUR_CONFIG_FILE_PATH} listing several offerings and {@code SLURM_TRES_CONFIG_PATH} holding the
 * components. Precedence as in 0.2.4: when {@code WALDUR_API_URL}, {@code WALDUR_API_TOKEN} and
 * {@code WALDUR_OFFERING_UUID} are all set they define one offering and the offerings file is ignored.
 *
 * <p>Deliberate differences from 0.2.4: {@code SLURM_DEPLOYMENT_TYPE} defaults to {@code native} (0.2.4 defaulted
 * to {@code docker}, which broke every push process whose env file did not set it) and
 * {@code SLURM_ALLOCATION_NAME_MAX_LEN} is honoured as a number (0.2.4 crashed when it was set).
 */
public final class LegacyEnvConfig {
    static final String SOURCE = "environment";
    private static final Set<String> MARKERS = Set.of("WALDUR_API_URL", "WALDUR_CONFIG_FILE_PATH", "WALDUR_SYNC_DIRECTION");

    private LegacyEnvConfig() {
    }

    /** Whether the environment carries a 0.2.x configuration. */
    public static boolean present(Map<String, String> env) {
        return MARKERS.stream().anyMatch(k -> env.get(k) != null && !env.get(k).isBlank());
    }

    /** Modes chosen by {@code WALDUR_SYNC_DIRECTION}: pull = Waldur → SLURM, push = SLURM → Waldur. */
    public static List<Mode> modes(Map<String, String> env) {
        String dir = env.getOrDefault("WALDUR_SYNC_DIRECTION", "").trim().toLowerCase();
        return switch (dir) {
            case "" -> List.of();
            case "pull" -> List.of(Mode.ORDER_PROCESS);
            case "push" -> List.of(Mode.REPORT, Mode.MEMBERSHIP_SYNC);
            default -> throw new ConfigException(SOURCE, "WALDUR_SYNC_DIRECTION", "must be pull or push, not '" + dir + "'");
        };
    }

    public static AgentConfig load(Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        boolean verify = !Set.of("false", "no", "0").contains(env.getOrDefault("REQUESTS_VERIFY_SSL", "true").trim().toLowerCase());
        SlurmSettings slurm = slurm(env);
        Map<String, ComponentConfig> components = components(env);
        List<OfferingConfig> offerings = new ArrayList<>();
        if (set(env, "WALDUR_API_URL") && set(env, "WALDUR_API_TOKEN") && set(env, "WALDUR_OFFERING_UUID")) {
            offerings.add(offering(env.getOrDefault("WALDUR_OFFERING_NAME", "Single offering"),
                    env.get("WALDUR_API_URL"), env.get("WALDUR_API_TOKEN"), env.get("WALDUR_OFFERING_UUID"),
                    "WALDUR_", verify, slurm, components));
        } else if (set(env, "WALDUR_CONFIG_FILE_PATH")) {
            offerings.addAll(offeringsFile(Path.of(env.get("WALDUR_CONFIG_FILE_PATH")), verify, slurm, components));
        } else {
            throw new ConfigException(SOURCE, "WALDUR_API_URL",
                    "set WALDUR_API_URL, WALDUR_API_TOKEN and WALDUR_OFFERING_UUID, or WALDUR_CONFIG_FILE_PATH");
        }
        Map<Mode, Double> minutes = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            minutes.put(m, m.defaultPeriodMinutes);
        }
        YamlConfigLoader.applyPeriodEnv(minutes, env);
        if (!"native".equals(env.getOrDefault("SLURM_DEPLOYMENT_TYPE", "native"))
                || !env.containsKey("SLURM_DEPLOYMENT_TYPE")) {
            warnings.add(SOURCE + ": SLURM_DEPLOYMENT_TYPE: " + (env.containsKey("SLURM_DEPLOYMENT_TYPE")
                    ? "docker: every SLURM command runs through 'docker exec -i " + env.getOrDefault("SLURM_CONTAINER_NAME", "slurmctld") + "'"
                    : "not set; using native (0.2.x defaulted to docker)"));
        }
        return new AgentConfig(SOURCE, List.copyOf(offerings), ZoneId.of("UTC"), 2, "INFO", true, minutes, List.copyOf(warnings), "", null);
    }

    private static boolean set(Map<String, String> env, String key) {
        return env.get(key) != null && !env.get(key).isBlank();
    }

    private static OfferingConfig offering(String name, String url, String token, String uuid, String keyPrefix,
                                           boolean verify, SlurmSettings slurm, Map<String, ComponentConfig> components) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException(SOURCE, keyPrefix + "API_URL", "must start with http:// or https://, not '" + url + "'");
        }
        String hex = Uuids.normalise(uuid);
        if (hex == null) {
            throw new ConfigException(SOURCE, keyPrefix + "OFFERING_UUID", "'" + uuid + "' is not a UUID");
        }
        return new OfferingConfig(name, hex, java.net.URI.create(url.endsWith("/") ? url : url + "/"), new Secret(token.trim()),
                verify, "slurm", "slurm", "slurm", false, slurm, components);
    }

    private static List<OfferingConfig> offeringsFile(Path file, boolean verify, SlurmSettings slurm,
                                                      Map<String, ComponentConfig> components) {
        Node root = new Node(file.toString(), "", readYaml(file));
        List<OfferingConfig> out = new ArrayList<>();
        for (Node o : root.list("offerings")) {
            YamlConfigLoader.apiUrl(o, "waldur_api_url");
            out.add(offering(o.string("name", "Single offering"), o.requiredString("waldur_api_url"),
                    o.requiredString("waldur_api_token"), Uuids.hex(o, "waldur_offering_uuid"), "", verify, slurm, components));
        }
        if (out.isEmpty()) {
            throw root.error("offerings", "is required and must list at least one offering");
        }
        return out;
    }

    private static SlurmSettings slurm(Map<String, String> env) {
        String type = env.getOrDefault("SLURM_DEPLOYMENT_TYPE", "native").trim();
        List<String> prefix = switch (type) {
            case "native" -> List.of();
            case "docker" -> List.of("docker", "exec", "-i", name(env, "SLURM_CONTAINER_NAME", "slurmctld", false));
            default -> throw new ConfigException(SOURCE, "SLURM_DEPLOYMENT_TYPE", "must be native or docker, not '" + type + "'");
        };
        int maxLen;
        try {
            maxLen = Integer.parseInt(env.getOrDefault("SLURM_ALLOCATION_NAME_MAX_LEN", "34").trim());
            if (maxLen < 8 || maxLen > 128) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(SOURCE, "SLURM_ALLOCATION_NAME_MAX_LEN", "must be a whole number from 8 to 128");
        }
        String homedir = env.getOrDefault("ENABLE_USER_HOMEDIR_ACCOUNT_CREATION", "false").trim().toLowerCase();
        return new SlurmSettings(
                name(env, "SLURM_DEFAULT_ACCOUNT", "waldur", true), "common", "root",
                prefix(env, "SLURM_CUSTOMER_PREFIX"), prefix(env, "SLURM_PROJECT_PREFIX"), prefix(env, "SLURM_ALLOCATION_PREFIX"),
                null, null, "/usr/bin", prefix, null, false, "normal", null, null,
                homedir.equals("true") || homedir.equals("yes"), "0077", null, false, 1, false,
                true, maxLen, SlurmSettings.UsageBasis.REQUESTED);
    }

    private static String name(Map<String, String> env, String key, String dflt, boolean account) {
        String v = env.getOrDefault(key, dflt).trim();
        if (account ? !SlurmNames.isAccount(v) : !SlurmNames.isOther(v)) {
            throw new ConfigException(SOURCE, key, "'" + v + "' is not a safe SLURM name");
        }
        return v;
    }

    private static String prefix(Map<String, String> env, String key) {
        String v = env.getOrDefault(key, "hpc_").trim();
        if (!v.isEmpty() && !v.matches("[a-z0-9_][a-z0-9_-]*")) {
            throw new ConfigException(SOURCE, key, "'" + v + "' would make unsafe SLURM account names (allowed: a-z 0-9 _ -)");
        }
        return v;
    }

    private static Map<String, ComponentConfig> components(Map<String, String> env) {
        Path file = Path.of(env.getOrDefault("SLURM_TRES_CONFIG_PATH", "config-components.yaml"));
        JsonNode tree = readYaml(file);
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(file.toString(), "(file)", "must map TRES names to component settings");
        }
        return YamlConfigLoader.components(new Node(file.toString(), "", tree), true);
    }

    private static JsonNode readYaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "(file)", "not found");
        } catch (JacksonException e) {
            throw new ConfigException(file.toString(), "(file)", "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "(file)", "cannot be read: " + e.getMessage());
        }
    }
}
