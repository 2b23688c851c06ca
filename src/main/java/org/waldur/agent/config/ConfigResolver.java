package org.waldur.agent.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Which configuration applies. An explicit {@code -c FILE} always wins (era C behaviour); without it, 0.2.x
 * environment variables are used when present ({@link LegacyEnvConfig#present}); otherwise the reference agent's
 * default file {@code waldur-site-agent-config.yaml} in the working directory.
 */
public final class ConfigResolver {
    public static final String DEFAULT_FILE = "waldur-site-agent-config.yaml";

    private ConfigResolver() {
    }

    public static AgentConfig resolve(String explicitFile, Map<String, String> env) {
        if (explicitFile != null && !explicitFile.isBlank()) {
            return YamlConfigLoader.load(Path.of(explicitFile), env);
        }
        if (LegacyEnvConfig.present(env)) {
            return LegacyEnvConfig.load(env);
        }
        return YamlConfigLoader.load(Path.of(DEFAULT_FILE), env);
    }
}
