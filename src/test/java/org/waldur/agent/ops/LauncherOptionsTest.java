package org.waldur.agent.ops;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.ConfigResolver;
import org.waldur.agent.support.ConfigYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's operating options and keys: --log-format checked before anything starts, sentry_dsn read. */
class LauncherOptionsTest {
    Path config(String rootLines) throws Exception {
        Path f = Files.createTempFile("launcher", ".yaml");
        Files.writeString(f, rootLines + ConfigYaml.of("http://127.0.0.1:9/api/", LoadComponentsCommandTest.TOKEN,
                "0123456789abcdef0123456789abcdef", LoadComponentsCommandTest.SETTINGS, ConfigYaml.COMPONENTS));
        return f;
    }

    @Test
    void anUnknownLogFormatIsAConfigurationError() throws Exception {
        CommandRun r = CommandRun.of(null, "--log-format", "xml", "-c", config("").toString(), "--once");
        assertEquals(2, r.exit(), "the agent (it prints to the process's stderr)");
        CommandRun sub = CommandRun.of(null, "healthz", "--log-format", "yaml", "-c", config("").toString());
        assertEquals(2, sub.exit(), sub.out() + sub.err());
        assertTrue(sub.err().contains("--log-format must be text or json, not 'yaml'"), sub.err());
    }

    @Test
    void sentryDsnIsReadNotWarnedAbout() throws Exception {
        AgentConfig c = ConfigResolver.resolve(config("sentry_dsn: \"https://key@sentry.example.org/7\"\n").toString(), Map.of());
        assertEquals("https://key@sentry.example.org/7", c.sentryDsn());
        assertTrue(c.warnings().stream().noneMatch(w -> w.contains("sentry_dsn")), c.warnings().toString());
        assertEquals(java.util.List.of(LoadComponentsCommandTest.TOKEN), c.secrets());
    }
}
