package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.waldur.agent.config.Mode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The small state file of one mode ({@code <state dir>/<mode>.json}) that the running agent rewrites after each
 * completed cycle and {@code healthz} reads: when the cycle ended, the mode's period and what it did. One file per
 * mode, so the per-mode units of one host never write the same file; replaced atomically, so a reader never sees
 * half of one.
 */
public record HealthState(Mode mode, Instant completed, long periodMs, int itemsDone, int itemsFailed, long pid) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * AGENT_STATE_DIR, else systemd's STATE_DIRECTORY (StateDirectory= in the units), else /var/lib/waldur-camel-agent
     * when it exists (where the packaged units write), else a per-user directory under the temporary directory.
     */
    public static Path defaultDir(Map<String, String> env) {
        String dir = env.get("AGENT_STATE_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String systemd = env.get("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]);
        }
        Path packaged = Path.of("/var/lib/waldur-camel-agent");
        if (Files.isDirectory(packaged)) {
            return packaged;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "waldur-camel-agent-" + System.getProperty("user.name"));
    }

    public static Path file(Path dir, Mode mode) {
        return dir.resolve(mode.cliName + ".json");
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode n = JSON.createObjectNode();
        n.put("mode", mode.cliName);
        n.put("last_completed_cycle", completed.toString());
        n.put("period_ms", periodMs);
        n.put("items_done", itemsDone);
        n.put("items_failed", itemsFailed);
        n.put("pid", pid);
        Path target = file(dir, mode);
        Path tmp = Files.createTempFile(dir, "." + mode.cliName, ".tmp");
        try {
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The mode's last state, or null when no cycle has completed (no file). */
    public static HealthState read(Path dir, Mode mode) throws IOException {
        Path f = file(dir, mode);
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n = JSON.readTree(f.toFile());
        return new HealthState(mode, Instant.parse(n.path("last_completed_cycle").asText()), n.path("period_ms").asLong(),
                n.path("items_done").asInt(), n.path("items_failed").asInt(), n.path("pid").asLong());
    }

    /** Healthy: the last cycle completed within twice the period. */
    public boolean fresh(Instant now, long periodMs) {
        return age(now).toMillis() <= 2 * periodMs;
    }

    public Duration age(Instant now) {
        return Duration.between(completed, now);
    }
}
