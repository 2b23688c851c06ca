package org.waldur.agent.auditor.server.validation;

import java.text.BreakIterator;

/**
 * AUDITOR's {@code ValidName} (auditor/src/domain/validname.rs; reference §1.1): not blank after trimming, and at
 * most 256 extended grapheme clusters. No character is forbidden (the old {@code /()"<>\{}} rule is gone).
 */
public final class Names {
    public static final int MAX_GRAPHEMES = 256;

    private Names() {
    }

    public static boolean isValid(String s) {
        if (s == null || s.isBlank()) {
            return false;
        }
        // a string of at most 256 UTF-16 units has at most 256 graphemes: count only the long ones
        return s.length() <= MAX_GRAPHEMES || graphemes(s) <= MAX_GRAPHEMES;
    }

    static int graphemes(String s) {
        BreakIterator it = BreakIterator.getCharacterInstance();
        it.setText(s);
        int n = 0;
        while (it.next() != BreakIterator.DONE) {
            n++;
        }
        return n;
    }

    /** Why {@code s} is not a valid name, for the 400 body; null when it is valid. */
    public static String problem(String s) {
        if (s == null || s.isBlank()) {
            return "'" + s + "' is empty or only whitespace";
        }
        if (!isValid(s)) {
            return "a name is longer than " + MAX_GRAPHEMES + " characters";
        }
        return null;
    }
}
