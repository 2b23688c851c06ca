package org.waldur.agent.auditor.priority;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One operator-configured {@code commands} entry (auditor.md §4.4). It is split into argv words with POSIX
 * shell quoting rules once, when the config is loaded — no shell ever runs it (wrap a pipe or redirect in
 * {@code bash -c "…"} as AUDITOR's docs do) — and the placeholders are substituted inside each word afterwards,
 * so a group name or parameter with a space stays one argument and cannot inject another.
 *
 * <p>Placeholders: {@code {priority}}, {@code {resource}} and the documented {@code {resources}} (AUDITOR
 * substitutes only the singular), {@code {group}}, and {@code {1}}, {@code {2}} … for the group's
 * {@code group_mapping} entries.
 */
public final class CommandTemplate {
    private final String source;
    private final List<String> words;

    private CommandTemplate(String source, List<String> words) {
        this.source = source;
        this.words = words;
    }

    public static CommandTemplate parse(String command) {
        List<String> words = split(command);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return new CommandTemplate(command, List.copyOf(words));
    }

    public String source() {
        return source;
    }

    public List<String> argv(String group, List<String> params, long priority, double resource) {
        String res = formatResource(resource);
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            String s = w.replace("{priority}", Long.toString(priority))
                    .replace("{resources}", res)
                    .replace("{resource}", res)
                    .replace("{group}", group);
            for (int i = params.size(); i >= 1; i--) {
                s = s.replace("{" + i + "}", params.get(i - 1));
            }
            out.add(s);
        }
        return out;
    }

    /** As Rust prints an f64: shortest digits, never an exponent ({@code 17280}, {@code 1.2}). */
    static String formatResource(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** POSIX shell word splitting: blanks separate, single quotes literal, double quotes with \ escapes. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote in: " + s);
                }
                cur.append(s, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                inWord = true;
                boolean closed = false;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                        cur.append(s.charAt(i + 1));
                        i += 2;
                    } else {
                        cur.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated double quote in: " + s);
                }
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                cur.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
