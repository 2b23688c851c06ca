package org.waldur.agent.config;

import java.util.regex.Pattern;

/** Waldur sends UUIDs as 32 lower-case hex digits without hyphens; operators may paste either form. */
public final class Uuids {
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    private Uuids() {
    }

    /** The canonical hex form, or null when {@code text} is not a UUID. */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        String hex = text.trim().toLowerCase().replace("-", "");
        return HEX32.matcher(hex).matches() ? hex : null;
    }

    static String hex(Node n, String key) {
        String raw = n.requiredString(key);
        String hex = normalise(raw);
        if (hex == null) {
            throw n.error(key, "'" + raw + "' is not a UUID");
        }
        return hex;
    }
}
