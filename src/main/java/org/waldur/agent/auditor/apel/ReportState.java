package org.waldur.agent.auditor.apel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code time_json_path}: {@code {"last_report_time": "<iso>"}} as AUDITOR's plugin keeps it (auditor.md §5.1).
 * Written as a naive ISO time, which AUDITOR's plugin also reads, but in UTC (AUDITOR writes local time); read
 * with or without an offset. Written to a temporary file in the same directory, forced to disk, then renamed
 * over the old one, so a crash leaves the old or the new state, never half of one.
 */
public final class ReportState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public ReportState(Path file) {
        this.file = file;
    }

    /** The last report, or the epoch when there was none (AUDITOR's initial value). */
    public Instant lastReport() throws IOException {
        if (!Files.exists(file)) {
            return Instant.EPOCH;
        }
        JsonNode t = JSON.readTree(file.toFile()).path("last_report_time");
        if (!t.isTextual()) {
            throw new IOException(file + ": no last_report_time");
        }
        try {
            return OffsetDateTime.parse(t.asText()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t.asText()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IOException(file + ": last_report_time '" + t.asText() + "' is not an ISO time");
            }
        }
    }

    public void save(Instant reportTime) throws IOException {
        String json = JSON.writeValueAsString(Map.of("last_report_time",
                LocalDateTime.ofInstant(reportTime, ZoneOffset.UTC).toString()));
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
