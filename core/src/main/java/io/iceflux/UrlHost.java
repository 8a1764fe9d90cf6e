package io.iceflux;

import com.ibm.icu.text.IDNA;
import io.iceflux.HostSyntax.Dialect;
import io.iceflux.HostSyntax.Malformed;
import io.iceflux.IceServerUrl.HostType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The host parser of the WHATWG URL Standard for a special URL ({@code https}), which the W3C "validate an ICE server
 * URL" steps apply to the host and port of a STUN or TURN URL (they parse {@code "https://"} followed by the URL's
 * opaque path). The host text given here is the one a browser's host parser sees, before its percent-decoding.
 *
 * <ul>
 *   <li>{@code [...]}: an IPv6 address ({@link HostSyntax#ipv6}, no zone id), serialized in its RFC 5952 form.</li>
 *   <li>Anything else is percent-decoded, read as UTF-8 (an invalid sequence becomes U+FFFD) and turned into ASCII by
 *       UTS #46 ToASCII with the URL Standard's "domain to ASCII" settings: CheckHyphens, UseSTD3ASCIIRules and
 *       VerifyDnsLength false, CheckBidi and CheckJoiners true, nontransitional processing (ICU4J's
 *       {@link IDNA#getUTS46Instance}). The result must not be empty nor hold a forbidden domain code point.</li>
 *   <li>A result that "ends in a number" (its last label is decimal digits or a valid 0x/0-prefixed number) must
 *       be an IPv4 address in one of the URL Standard's forms: one to four parts, each decimal, octal ({@code 0}
 *       prefix) or hexadecimal ({@code 0x}), the last part filling the remaining bytes ({@code 0x7f.1} is
 *       {@code 127.0.0.1}, {@code 192.168.257} is {@code 192.168.1.1}), and one trailing dot allowed.</li>
 * </ul>
 * Nothing is resolved. Every problem is a {@link Malformed} whose reason quotes the text with
 * {@link IceServerUrl#quote}.
 */
final class UrlHost {

    /** A parsed host: its kind and its serialization (ASCII domain, dotted IPv4, or RFC 5952 IPv6 without brackets). */
    record Host(HostType type, String text) {
    }

    /** UTS #46 as the URL Standard's "domain to ASCII" with beStrict false runs it. */
    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
            | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

    /** What ICU reports for the checks the URL Standard turns off (CheckHyphens, VerifyDnsLength): not errors here. */
    private static final Set<IDNA.Error> NOT_CHECKED = EnumSet.of(IDNA.Error.EMPTY_LABEL, IDNA.Error.LABEL_TOO_LONG,
            IDNA.Error.DOMAIN_NAME_TOO_LONG, IDNA.Error.LEADING_HYPHEN, IDNA.Error.TRAILING_HYPHEN,
            IDNA.Error.HYPHEN_3_4);

    private static final int MAX_SHOWN = 64;

    private UrlHost() {
    }

    /**
     * Parse the host of a URL's authority: {@code text} as a browser's host parser receives it (tabs and newlines
     * already removed, not yet percent-decoded); non-ASCII characters stand for their UTF-8 bytes, as the
     * percent-encoding of an opaque path makes them.
     */
    static Host parse(String text) throws Malformed {
        if (text.startsWith("[")) {
            if (!text.endsWith("]")) {
                throw new Malformed("starts with '[' but does not end with ']'");
            }
            return new Host(HostType.IPV6, ipv6(text.substring(1, text.length() - 1)));
        }
        String domain = percentDecode(text);
        StringBuilder ascii = new StringBuilder(domain.length() + 8);
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToASCII(domain, ascii, info);
        Set<IDNA.Error> errors = EnumSet.noneOf(IDNA.Error.class);
        errors.addAll(info.getErrors());
        errors.removeAll(NOT_CHECKED);
        if (!errors.isEmpty()) {
            throw new Malformed("is not a valid domain name (UTS #46 ToASCII: " + describe(errors) + ")");
        }
        String result = ascii.toString();
        if (result.isEmpty()) {
            throw new Malformed("is empty once IDNA mapping removed what it ignores ("
                    + quoted(domain) + " maps to nothing)");
        }
        for (int i = 0; i < result.length(); i++) {
            char c = result.charAt(i);
            if (isForbiddenDomainCodePoint(c)) {
                String mapped = result.equals(text) ? "" : " (as " + quoted(result) + " after percent-decoding and "
                        + "IDNA mapping)";
                throw new Malformed("contains " + describe(c) + ", which a URL host cannot contain" + mapped);
            }
        }
        if (endsInANumber(result)) {
            return new Host(HostType.IPV4, ipv4(result));
        }
        return new Host(HostType.DNS_NAME, result);
    }

    private static String ipv6(String inside) throws Malformed {
        if (inside.isEmpty()) {
            throw new Malformed("holds no IPv6 address between '[' and ']'");
        }
        int percent = inside.indexOf('%');
        if (percent >= 0) {
            throw new Malformed("holds the IPv6 zone identifier or percent-encoding "
                    + quoted(inside.substring(percent)) + "; a URL's IPv6 address has neither");
        }
        if (inside.charAt(0) == 'v' || inside.charAt(0) == 'V') {
            throw new Malformed("is an IPvFuture address, which a special URL cannot hold");
        }
        try {
            return IpAddresses.ipv6(HostSyntax.ipv6(inside, Dialect.SERVER_URL));
        } catch (Malformed e) {
            throw new Malformed("is not a valid IPv6 address: " + e.reason(UrlHost::quoted));
        }
    }

    /**
     * The URL Standard's percent-decoding of the host, then UTF-8 decoding without BOM: {@code %XX} becomes the byte
     * XX, every other character its UTF-8 bytes (a lone surrogate U+FFFD's), and invalid UTF-8 becomes U+FFFD.
     */
    static String percentDecode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 3;
                continue;
            }
            String one = Character.isSurrogate((char) c) && Character.charCount(c) == 1 ? "\uFFFD"
                    : new String(Character.toChars(c));
            bytes.writeBytes(one.getBytes(StandardCharsets.UTF_8));
            i += Character.charCount(c);
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    /**
     * Whether a domain "ends in a number" (URL Standard): its last label, ignoring one empty label after a final
     * dot, is ASCII digits or parses as an IPv4 number ({@code 0x1F}, {@code 0x}).
     */
    static boolean endsInANumber(String domain) {
        String[] parts = domain.split("\\.", -1);
        int last = parts.length - 1;
        if (parts[last].isEmpty()) {
            if (parts.length == 1) {
                return false;
            }
            last--;
        }
        String label = parts[last];
        if (!label.isEmpty() && HostSyntax.allDigits(label)) {
            return true;
        }
        return ipv4Number(label) >= 0;
    }

    /** The URL Standard's IPv4 parser: one to four parts, the last one filling the remaining bytes. */
    private static String ipv4(String domain) throws Malformed {
        String context = "ends in a number, so it must be an IPv4 address, but ";
        String[] split = domain.split("\\.", -1);
        int size = split.length;
        if (split[size - 1].isEmpty() && size > 1) {
            size--;
        }
        if (size > 4) {
            throw new Malformed(context + "it has " + size + " parts; an IPv4 address has one to four");
        }
        long[] numbers = new long[size];
        for (int i = 0; i < size; i++) {
            numbers[i] = ipv4Number(split[i]);
            if (numbers[i] < 0) {
                throw new Malformed(context + "part " + quoted(split[i])
                        + " is not a decimal, octal (0...) or hexadecimal (0x...) number");
            }
        }
        for (int i = 0; i < size - 1; i++) {
            if (numbers[i] > 255) {
                throw new Malformed(context + "part " + quoted(split[i]) + " is " + shownNumber(numbers[i])
                        + ", more than 255");
            }
        }
        long lastLimit = 1L << (8 * (5 - size));
        if (numbers[size - 1] >= lastLimit) {
            throw new Malformed(context + "its last part " + quoted(split[size - 1]) + " is "
                    + shownNumber(numbers[size - 1]) + ", more than fits in the " + (5 - size) + " byte"
                    + (size == 4 ? "" : "s") + " left for it (at most " + (lastLimit - 1) + ")");
        }
        long address = numbers[size - 1];
        for (int i = 0; i < size - 1; i++) {
            address += numbers[i] << (8 * (3 - i));
        }
        return (address >> 24 & 0xff) + "." + (address >> 16 & 0xff) + "." + (address >> 8 & 0xff) + "."
                + (address & 0xff);
    }

    /** Values above this are all "too large" for an IPv4 number; parsing stops growing them there. */
    private static final long TOO_LARGE = 1L << 40;

    /**
     * The URL Standard's IPv4 number parser: decimal, {@code 0x}/{@code 0X} hexadecimal, or {@code 0}-prefixed
     * octal; {@code 0x} alone is 0. Returns -1 for failure and at most {@link #TOO_LARGE} for a larger number.
     */
    static long ipv4Number(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        String digits = part;
        int radix = 10;
        if (digits.length() >= 2 && digits.charAt(0) == '0' && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')) {
            digits = digits.substring(2);
            radix = 16;
        } else if (digits.length() >= 2 && digits.charAt(0) == '0') {
            digits = digits.substring(1);
            radix = 8;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0 || digits.charAt(i) > 'f') {
                return -1;
            }
            value = Math.min(value * radix + d, TOO_LARGE);
        }
        return value;
    }

    private static String shownNumber(long value) {
        return value >= TOO_LARGE ? "more than 2^40" : Long.toString(value);
    }

    /** The URL Standard's forbidden domain code points: forbidden host code points, C0 controls, '%' and DEL. */
    static boolean isForbiddenDomainCodePoint(char c) {
        return c <= 0x20 || c == 0x7F || "#%/:<>?@[\\]^|".indexOf(c) >= 0;
    }

    private static String describe(char c) {
        String name = c < 0x20 || c == 0x7F ? "a control character" : c == ' ' ? "a space" : "'" + c + "'";
        return name + " (U+" + String.format(Locale.ROOT, "%04X", (int) c) + ")";
    }

    private static String describe(Set<IDNA.Error> errors) {
        StringBuilder out = new StringBuilder();
        for (IDNA.Error e : errors) {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(switch (e) {
                case INVALID_ACE_LABEL, PUNYCODE -> "a label is not valid punycode (xn--)";
                case DISALLOWED -> "it contains a character that IDNA does not allow";
                case BIDI -> "it breaks the IDNA bidi rule (RFC 5893) for right-to-left text";
                case CONTEXTJ -> "it has a zero width joiner or non-joiner where IDNA does not allow one";
                case LEADING_COMBINING_MARK -> "a label starts with a combining mark";
                case LABEL_HAS_DOT -> "a label holds a dot";
                default -> e.name();
            });
        }
        return out.toString();
    }

    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static String quoted(String text) {
        return IceServerUrl.quote(text, MAX_SHOWN);
    }
}
