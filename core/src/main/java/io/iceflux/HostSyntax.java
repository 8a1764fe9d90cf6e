package io.iceflux;

import java.util.function.UnaryOperator;

/**
 * The text forms of a host, shared by server URLs ({@link IceServerUrl}) and the addresses of SDP candidates
 * ({@link CandidateSdp}): an IPv4 dotted quad, an IPv6 address (RFC 4291 §2.2, unbracketed) and a DNS name.
 *
 * <p>Each method checks one form and throws {@link Malformed} on the first problem; the caller decides which form
 * a text must have and words its own message around {@link Malformed#reason}. Where the two callers' grammars
 * differ, the {@link Dialect} says how. Neither form is ever resolved.
 */
final class HostSyntax {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private HostSyntax() {
    }

    /** Whose grammar applies. */
    enum Dialect {
        /**
         * A server URL's host: the dotted quad inside an IPv6 address has no leading zero (the URL Standard's IPv6
         * parser); a name may hold {@code _} and end with one dot (the DNS-name check of {@link IceServerUrl#lint()}).
         */
        SERVER_URL(false, true),
        /**
         * An SDP connection-address (RFC 8839 §5.1): IPv4 numbers are 1 to 3 digits, leading zeros allowed; a
         * name holds letters, digits and hyphens only and has no trailing dot.
         */
        SDP(true, false);

        private final boolean leadingZeros;
        /** Whether a name may hold {@code _} and end with one dot. */
        private final boolean lenientNames;

        Dialect(boolean leadingZeros, boolean lenientNames) {
            this.leadingZeros = leadingZeros;
            this.lenientNames = lenientNames;
        }
    }

    /**
     * Why a text is not of the form asked for. The reason may quote a piece of the text; {@link #reason} quotes it
     * as the caller's messages do. No stack trace: callers turn it into their own exception.
     */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        private final String before;
        private final String quoted;
        private final String after;

        Malformed(String reason) {
            this(reason, null, "");
        }

        private Malformed(String before, String quoted, String after) {
            super(null, null, false, false);
            this.before = before;
            this.quoted = quoted;
            this.after = after;
        }

        /** The reason, for example {@code "01" has a leading zero ...}, with the quoted piece passed through {@code quote}. */
        String reason(UnaryOperator<String> quote) {
            return before + (quoted == null ? "" : quote.apply(quoted)) + after;
        }

        @Override
        public String getMessage() {
            return reason(text -> "\"" + text + "\"");
        }

        private Malformed within(String context) {
            return new Malformed(context + before, quoted, after);
        }
    }

    /** Whether the text is made of decimal digits and dots only (or is empty). */
    static boolean digitsAndDots(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isDigit(c) && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parse a dotted quad: four decimal numbers 0-255 separated by dots.
     *
     * @return the four bytes
     */
    static byte[] ipv4(String text, Dialect dialect) throws Malformed {
        if (text.endsWith(".")) {
            throw new Malformed("an IPv4 address cannot end with '.'");
        }
        return quad(text, dialect);
    }

    /**
     * Parse an IPv6 address in any RFC 4291 §2.2 text form: eight groups of 1-4 hex digits, one {@code ::} for a
     * run of zero groups, and optionally a dotted quad for the last two groups. No brackets, no zone id.
     *
     * @return the sixteen bytes
     */
    static byte[] ipv6(String text, Dialect dialect) throws Malformed {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isHex(c) && c != ':' && c != '.') {
                throw new Malformed(shownChar(c) + " is not a hex digit, ':' or '.'");
            }
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            throw new Malformed("'::' may appear only once");
        }
        int[] head;
        int[] tail;
        if (doubleColon < 0) {
            head = groups(text, true, dialect);
            tail = new int[0];
            if (head.length != 8) {
                throw new Malformed("it has " + head.length + " groups of 16 bits instead of 8");
            }
        } else {
            head = groups(text.substring(0, doubleColon), false, dialect);
            tail = groups(text.substring(doubleColon + 2), true, dialect);
            if (head.length + tail.length > 7) {
                throw new Malformed("'::' stands for no group, there are already " + (head.length + tail.length)
                        + " groups");
            }
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.length; i++) {
            setGroup(bytes, i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            setGroup(bytes, 8 - tail.length + i, tail[i]);
        }
        return bytes;
    }

    /**
     * Check a DNS name: dot-separated labels of 1-63 ASCII letters, digits and hyphens (and {@code _} in a server
     * URL), no label starting or ending with a hyphen, at most 253 characters (a server URL's name may end with one
     * more, a dot). Which texts are names rather than addresses is the caller's rule.
     */
    static void dnsName(String text, Dialect dialect) throws Malformed {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isAlnum(c) || c == '-' || c == '.' || (c == '_' && dialect.lenientNames)) {
                continue;
            }
            if (c == '[' || c == ']') {
                throw new Malformed("contains '" + c + "'; brackets may only enclose a whole IPv6 address, e.g. "
                        + "[2001:db8::1]");
            }
            if (c >= 0x80) {
                throw new Malformed("contains the non-ASCII character '" + c + "'; write an internationalized domain "
                        + "name in its ASCII (xn--) form");
            }
            throw new Malformed("contains '" + c + "', which is not allowed in a DNS name (letters, digits, '-', "
                    + (dialect.lenientNames ? "'_' and '.')" : "and '.')"));
        }
        String body = dialect.lenientNames && text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (body.isEmpty()) {
            throw new Malformed("has no label");
        }
        if (body.length() > MAX_NAME_LENGTH) {
            throw new Malformed("is longer than " + MAX_NAME_LENGTH + " characters");
        }
        int start = 0;
        while (true) {
            int dot = body.indexOf('.', start);
            int end = dot < 0 ? body.length() : dot;
            if (end == start) {
                throw new Malformed("has an empty label (two dots in a row, or a leading dot)");
            }
            if (end - start > MAX_LABEL_LENGTH) {
                throw new Malformed("has a label of " + (end - start) + " characters; a DNS label is at most "
                        + MAX_LABEL_LENGTH);
            }
            if (body.charAt(start) == '-' || body.charAt(end - 1) == '-') {
                throw new Malformed("has the label ", body.substring(start, end), ", which starts or ends with '-'");
            }
            if (dot < 0) {
                return;
            }
            start = dot + 1;
        }
    }

    /** A dotted quad that may end an IPv6 address or be an IPv4 address: four decimal numbers 0-255. */
    private static byte[] quad(String text, Dialect dialect) throws Malformed {
        byte[] out = new byte[4];
        int n = 0;
        int start = 0;
        while (true) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 ? text.length() : dot;
            if (n == 4) {
                throw new Malformed("it has more than four numbers");
            }
            out[n++] = (byte) number(text, start, end, dialect);
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        if (n != 4) {
            throw new Malformed("it has " + n + " numbers instead of four");
        }
        return out;
    }

    /** The number of a dotted quad from {@code start} to {@code end}, 0-255. */
    private static int number(String text, int start, int end, Dialect dialect) throws Malformed {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                throw new Malformed("", text.substring(start, end), " is not a decimal number 0-255");
            }
            value = i - start < 3 ? value * 10 + (c - '0') : Integer.MAX_VALUE;
        }
        if (end == start) {
            throw new Malformed("", "", " is not a decimal number 0-255");
        }
        if (!dialect.leadingZeros && end - start > 1 && text.charAt(start) == '0') {
            throw new Malformed("", text.substring(start, end), " has a leading zero (ambiguous: octal or decimal?)");
        }
        if (value > 255) {
            throw new Malformed("", text.substring(start, end), " is out of range 0-255");
        }
        return value;
    }

    /** Parse ':'-separated 16-bit groups; if {@code endsAddress}, the last one may be a dotted quad (two groups). */
    private static int[] groups(String text, boolean endsAddress, Dialect dialect) throws Malformed {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] out = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String group = parts[i];
            if (group.isEmpty()) {
                throw new Malformed("it has an empty group (a lone ':' at the start or end, or ':::')");
            }
            if (group.indexOf('.') >= 0) {
                if (!endsAddress || i != parts.length - 1) {
                    throw new Malformed("a dotted IPv4 part may only end the address");
                }
                byte[] b;
                try {
                    b = quad(group, dialect);
                } catch (Malformed e) {
                    throw e.within("its IPv4 part: ");
                }
                out[n++] = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
                out[n++] = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            } else {
                if (group.length() > 4) {
                    throw new Malformed("group ", group, " has more than 4 hex digits");
                }
                out[n++] = Integer.parseInt(group, 16);
            }
        }
        int[] result = new int[n];
        System.arraycopy(out, 0, result, 0, n);
        return result;
    }

    private static void setGroup(byte[] bytes, int index, int group) {
        bytes[2 * index] = (byte) (group >> 8);
        bytes[2 * index + 1] = (byte) group;
    }

    /** Whether the text is one or more decimal digits. */
    static boolean allDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A character for a message: {@code 'c'}, or {@code U+XXXX} for a control or space character. */
    private static String shownChar(char c) {
        return IceServerUrl.isSpaceOrControl(c) ? String.format(java.util.Locale.ROOT, "U+%04X", (int) c) : "'" + c + "'";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
