package org.waldur.agent.auditor.server.validation;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** RFC 3339 timestamps with an offset, as AUDITOR (chrono) reads them: {@code Z}, {@code +00:00}, {@code -00:00}, any fraction. */
public final class Timestamps {
    private Timestamps() {
    }

    /** The instant at UTC, or null when {@code s} is not an RFC 3339 timestamp with an offset. */
    public static OffsetDateTime parse(String s) {
        if (s == null || s.length() < 20) {
            return null;
        }
        // RFC 3339 allows a space or a lower-case t between date and time, and a lower-case z
        String t = s.charAt(10) == ' ' || s.charAt(10) == 't' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        if (t.endsWith("z")) {
            t = t.substring(0, t.length() - 1) + 'Z';
        }
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
