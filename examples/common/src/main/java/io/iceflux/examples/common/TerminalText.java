package io.iceflux.examples.common;

import java.util.Locale;

/**
 * Makes text that someone else chose (a server's reason phrase, anything read from the network or from a file)
 * safe to print on a terminal, one line per record: control characters are shown escaped, so that a server can
 * neither move the cursor, clear the screen, change colours nor start a new line that looks like one of the
 * probe's own; and a long text is cut with a visible mark.
 *
 * <p>Escaped, as {@code \}{@code u001B} (four hex digits, or {@code \}{@code U} and eight for a code point beyond
 * U+FFFF): C0 controls (U+0000 to U+001F, tab, CR and LF included), DEL, C1 controls (U+0080 to U+009F, e.g. the
 * one-byte CSI U+009B), Unicode format controls (bidirectional overrides and isolates such as U+202E and U+2066,
 * zero-width characters, U+FEFF, soft hyphen, tags), the line and paragraph separators U+2028 and U+2029, lone
 * surrogates, and code points this Java does not know (a control of a later Unicode version would be one). Every
 * other character, a backslash included, is kept as it is.
 */
public final class TerminalText {

    /**
     * The most characters {@link #field} keeps of a text, escapes counted; RFC 8489 bounds a reason phrase to 127
     * characters, so only a misbehaving server's is cut.
     */
    public static final int MAX_FIELD_CHARS = 200;

    /** The most characters {@link #line} keeps of a message, escapes counted. */
    public static final int MAX_LINE_CHARS = 1000;

    private TerminalText() {
    }

    /**
     * {@code text} with every control character escaped and cut after {@link #MAX_FIELD_CHARS} characters: for a
     * field of a line, such as a reason phrase or an address. {@code null} gives {@code "null"}.
     */
    public static String field(String text) {
        return cut(text, MAX_FIELD_CHARS);
    }

    /**
     * {@code text} with every control character escaped and cut after {@link #MAX_LINE_CHARS} characters: for a
     * whole message, such as a usage error. {@code null} gives {@code "null"}.
     */
    public static String line(String text) {
        return cut(text, MAX_LINE_CHARS);
    }

    /** {@code text} with every control character escaped, however long; {@code null} gives {@code "null"}. */
    public static String escape(String text) {
        return cut(text, Integer.MAX_VALUE);
    }

    /**
     * {@code text} with every control character escaped; when that is longer than {@code maxChars}, the first
     * characters that fit (an escape is never split) and then {@code …[cut, N characters in all]}, N counting the
     * code points of {@code text}. {@code null} gives {@code "null"}.
     *
     * @throws IllegalArgumentException if {@code maxChars} is negative
     */
    public static String cut(String text, int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must not be negative, not " + maxChars);
        }
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            String shown = isControl(codePoint) ? escaped(codePoint) : Character.toString(codePoint);
            if ((long) out.length() + shown.length() > maxChars) {
                return out.append("…[cut, ").append(text.codePointCount(0, text.length()))
                        .append(" characters in all]").toString();
            }
            out.append(shown);
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }

    /** Whether {@code codePoint} is one of the characters this class escapes. */
    public static boolean isControl(int codePoint) {
        if (Character.isISOControl(codePoint)) {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                    Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static String escaped(int codePoint) {
        return Character.isBmpCodePoint(codePoint) ? String.format(Locale.ROOT, "\\u%04X", codePoint)
                : String.format(Locale.ROOT, "\\U%08X", codePoint);
    }
}
