package org.waldur.agent.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * sacct's value formats, as AUDITOR's collector reads them (auditor.md §3.3; collectors/slurm/src/configuration.rs).
 * Each method throws {@link IllegalArgumentException} with the offending text when the value is not of its kind.
 */
public final class SacctValues {
    private static final Pattern MIN_SEC_MILLI = Pattern.compile("(\\d{2}):(\\d{2})\\.(\\d+)");
    private static final Pattern HOUR_MIN_SEC = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})");
    private static final Pattern DAY_HOUR_MIN_SEC = Pattern.compile("(\\d{1,3})-(\\d{2}):(\\d{2}):(\\d{2})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SacctValues() {
    }

    public static long integer(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: '" + s + "'");
        }
    }

    /** {@code 2000M} → 2000: the unit letter {@code --noconvert} leaves on memory fields is dropped. */
    public static long integerMega(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not an integer with a unit: ''");
        }
        return integer(s.substring(0, s.length() - 1));
    }

    /** Seconds of {@code MM:SS.mmm}, {@code HH:MM:SS} or {@code D-HH:MM:SS}; milliseconds are dropped. */
    public static long seconds(String s) {
        Matcher m = MIN_SEC_MILLI.matcher(s);
        if (m.matches()) {
            return Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2));
        }
        m = HOUR_MIN_SEC.matcher(s);
        if (m.matches()) {
            return Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3));
        }
        m = DAY_HOUR_MIN_SEC.matcher(s);
        if (m.matches()) {
            return Long.parseLong(m.group(1)) * 86_400 + Long.parseLong(m.group(2)) * 3600
                    + Long.parseLong(m.group(3)) * 60 + Long.parseLong(m.group(4));
        }
        throw new IllegalArgumentException("not a sacct time: '" + s + "'");
    }

    /**
     * A sacct time: epoch seconds ({@code SLURM_TIME_FORMAT=%s}) or {@code YYYY-MM-DDTHH:MM:SS}, which the collector
     * only ever sees in UTC ({@code TZ=UTC}). {@code Unknown}/{@code None} are not times.
     */
    public static Instant instant(String s) {
        if (s.matches("\\d{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(s));
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a sacct time: '" + s + "'");
        }
    }

    /** The text before the first {@code (}: {@code alice(1000)} → {@code alice}. */
    public static String id(String s) {
        int p = s.indexOf('(');
        return p < 0 ? s : s.substring(0, p);
    }

    /**
     * A job comment holding a flat JSON object, as AUDITOR reads it: outer double quotes stripped, single quotes
     * turned into double quotes when the text has no double quote, keys sorted. Not such an object → empty map
     * (AUDITOR logs and carries on the same way).
     */
    public static Map<String, String> jsonMap(String s) {
        if (s.isEmpty()) {
            return Map.of();
        }
        String t = s;
        if (t.endsWith("\"") && t.length() > 1) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.startsWith("\"")) {
            t = t.substring(1);
        }
        if (!t.contains("\"")) {
            t = t.replace('\'', '"');
        }
        try {
            JsonNode node = JSON.readTree(t);
            Map<String, String> out = new TreeMap<>();
            if (node == null || !node.isObject()) {
                return Map.of();
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!e.getValue().isTextual()) {
                    return Map.of(); // AUDITOR reads a string → string map; anything else is no map at all
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }
}
