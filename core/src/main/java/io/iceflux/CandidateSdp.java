package io.iceflux;

import io.iceflux.HostSyntax.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SDP grammar of a candidate attribute (RFC 8839 §5.1, {@code tcptype} from RFC 6544 §4.5): the character
 * classes and field checks shared by {@link IceCandidate}'s builder and its parser, the parser itself and the
 * writer.
 */
final class CandidateSdp {

    static final int MAX_FOUNDATION_LENGTH = 32;
    static final int MAX_COMPONENT = 256;
    static final long MAX_PRIORITY = (1L << 31) - 1;
    static final int MAX_PORT = 65535;

    private static final String PREFIX = "candidate:";
    private static final String SDP_LINE_PREFIX = "a=";
    private static final int MAX_QUOTED = 80;

    /** The fields before the candidate type, in line order, named as the error messages name them. */
    private static final String[] LEADING_FIELDS = {
        "foundation", "component", "transport", "priority", "address", "port", "\"typ\"", "candidate type"
    };

    private CandidateSdp() {
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    static String format(IceCandidate c, String transportToken) {
        StringBuilder sb = new StringBuilder(96).append(PREFIX)
                .append(c.foundation()).append(' ')
                .append(c.component()).append(' ')
                .append(transportToken).append(' ')
                .append(c.priority()).append(' ')
                .append(c.address()).append(' ')
                .append(c.port()).append(" typ ")
                .append(c.type().sdpName());
        if (c.relatedAddress() != null) {
            sb.append(" raddr ").append(c.relatedAddress()).append(" rport ").append(c.relatedPort());
        }
        if (c.tcpType() != null) {
            sb.append(" tcptype ").append(c.tcpType().sdpName());
        }
        for (IceCandidate.Extension e : c.extensions()) {
            sb.append(' ').append(e.name()).append(' ').append(e.value());
        }
        return sb.toString();
    }

    // ---- parsing ---------------------------------------------------------------------------------------------

    static IceCandidate parse(String text) {
        if (text == null) {
            throw new NullPointerException("candidate line must not be null");
        }
        String line = text;
        if (line.endsWith("\r\n")) {
            line = line.substring(0, line.length() - 2);
        } else if (line.endsWith("\n")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.startsWith(SDP_LINE_PREFIX)) {
            line = line.substring(SDP_LINE_PREFIX.length());
            if (!line.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                throw new IllegalArgumentException("SDP line " + quote(text) + " is not an a=candidate: attribute");
            }
        }
        if (line.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            line = line.substring(PREFIX.length());
        }
        List<String> fields = split(line);
        if (fields.size() < LEADING_FIELDS.length) {
            throw new IllegalArgumentException(
                    "candidate line " + quote(text) + " is missing the " + LEADING_FIELDS[fields.size()]);
        }

        String foundation = fields.get(0);
        checkFoundation(foundation);
        int component = (int) number("component", fields.get(1), 1, MAX_COMPONENT);
        String transportToken = fields.get(2);
        IceProtocol protocol = transport(transportToken);
        long priority = number("priority", fields.get(3), 1, MAX_PRIORITY);
        String address = fields.get(4);
        checkAddress("address", address);
        int port = (int) number("port", fields.get(5), 0, MAX_PORT);
        if (!fields.get(6).equalsIgnoreCase("typ")) {
            throw new IllegalArgumentException("expected \"typ\" after the port, not " + quote(fields.get(6)));
        }
        IceCandidate.Type type = type(fields.get(7));

        int i = LEADING_FIELDS.length;
        String relatedAddress = null;
        Integer relatedPort = null;
        if (i < fields.size() && fields.get(i).equalsIgnoreCase("raddr")) {
            if (i + 1 >= fields.size()) {
                throw new IllegalArgumentException("raddr has no address");
            }
            relatedAddress = fields.get(i + 1);
            checkAddress("raddr", relatedAddress);
            if (i + 2 >= fields.size() || !fields.get(i + 2).equalsIgnoreCase("rport")) {
                throw new IllegalArgumentException("raddr must be followed by rport");
            }
            if (i + 3 >= fields.size()) {
                throw new IllegalArgumentException("rport has no port");
            }
            relatedPort = (int) number("rport", fields.get(i + 3), 0, MAX_PORT);
            i += 4;
        } else if (i < fields.size() && fields.get(i).equalsIgnoreCase("rport")) {
            throw new IllegalArgumentException("rport without raddr");
        }

        IceCandidate.TcpType tcpType = null;
        List<IceCandidate.Extension> extensions = new ArrayList<>();
        for (; i < fields.size(); i += 2) {
            String name = fields.get(i);
            checkExtensionName(name);
            if (i + 1 >= fields.size()) {
                throw new IllegalArgumentException("extension " + quote(name) + " has no value");
            }
            String value = fields.get(i + 1);
            if (name.equalsIgnoreCase("tcptype")) {
                if (tcpType != null) {
                    throw new IllegalArgumentException("tcptype appears twice");
                }
                if (protocol != IceProtocol.TCP) {
                    throw new IllegalArgumentException("tcptype is only allowed on a TCP candidate, not on "
                            + transportToken);
                }
                tcpType = tcpType(value);
            } else {
                checkExtensionValue(name, value);
                extensions.add(new IceCandidate.Extension(name, value));
            }
        }
        return IceCandidate.builder().foundation(foundation).component(component).protocol(protocol)
                .transportToken(transportToken).priority(priority).address(address).port(port).type(type)
                .related(relatedAddress, relatedPort).tcpType(tcpType).extensions(extensions).build();
    }

    /** Splits on single spaces; an empty field (leading, trailing or doubled space) is an error. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>(16);
        int start = 0;
        while (true) {
            int sp = line.indexOf(' ', start);
            int end = sp < 0 ? line.length() : sp;
            if (end == start) {
                if (line.isEmpty()) {
                    return fields;
                }
                throw new IllegalArgumentException("candidate line " + quote(line)
                        + " has an empty field at character " + start + " (fields are separated by one space)");
            }
            fields.add(line.substring(start, end));
            if (sp < 0) {
                return fields;
            }
            start = sp + 1;
        }
    }

    private static IceProtocol transport(String token) {
        for (IceProtocol p : IceProtocol.values()) {
            if (p.w3cName().equalsIgnoreCase(token)) {
                return p;
            }
        }
        throw new IllegalArgumentException("transport " + quote(token) + " is not udp or tcp");
    }

    private static IceCandidate.Type type(String token) {
        for (IceCandidate.Type t : IceCandidate.Type.values()) {
            if (t.sdpName().equalsIgnoreCase(token)) {
                return t;
            }
        }
        throw new IllegalArgumentException("candidate type " + quote(token) + " is not host, srflx, prflx or relay");
    }

    private static IceCandidate.TcpType tcpType(String token) {
        for (IceCandidate.TcpType t : IceCandidate.TcpType.values()) {
            if (t.sdpName().equalsIgnoreCase(token)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tcptype " + quote(token) + " is not active, passive or so");
    }

    /** Parses 1*DIGIT into {@code min..max}, naming {@code field} when it is not a number or out of range. */
    static long number(String field, String token, long min, long max) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        long value = 0;
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new IllegalArgumentException(field + " " + quote(token) + " is not a number");
            }
            value = value * 10 + (ch - '0');
            if (value > max) {
                throw new IllegalArgumentException(
                        field + " " + quote(token) + " is out of range " + min + ".." + max);
            }
        }
        if (value < min) {
            throw new IllegalArgumentException(field + " " + quote(token) + " is out of range " + min + ".." + max);
        }
        return value;
    }

    // ---- field checks shared with the builder ----------------------------------------------------------------

    /** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1). */
    static boolean isIceChar(char ch) {
        return isAlpha(ch) || isDigit(ch) || ch == '+' || ch == '/';
    }

    /** token-char of RFC 8866 §9: VCHAR except {@code " ( ) , / : ; < = > ? @ [ \ ]}. */
    static boolean isTokenChar(char ch) {
        return ch == 0x21 || (ch >= 0x23 && ch <= 0x27) || ch == 0x2A || ch == 0x2B || ch == 0x2D || ch == 0x2E
                || isDigit(ch) || (ch >= 0x41 && ch <= 0x5A) || (ch >= 0x5E && ch <= 0x7E);
    }

    /** VCHAR of RFC 5234: a printable US-ASCII character other than space. */
    static boolean isVchar(char ch) {
        return ch >= 0x21 && ch <= 0x7E;
    }

    static void checkFoundation(String foundation) {
        if (foundation.isEmpty() || foundation.length() > MAX_FOUNDATION_LENGTH) {
            throw new IllegalArgumentException("foundation " + quote(foundation) + " must be 1 to "
                    + MAX_FOUNDATION_LENGTH + " characters long, not " + foundation.length());
        }
        for (int i = 0; i < foundation.length(); i++) {
            if (!isIceChar(foundation.charAt(i))) {
                throw new IllegalArgumentException("foundation " + quote(foundation) + " contains "
                        + describe(foundation.charAt(i)) + "; only letters, digits, '+' and '/' are allowed");
            }
        }
    }

    static void checkExtensionName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("extension name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("extension name " + quote(name) + " contains "
                        + describe(name.charAt(i)) + "; an extension name is an SDP token");
            }
        }
    }

    static void checkExtensionValue(String name, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("extension " + quote(name) + " has an empty value");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isVchar(value.charAt(i))) {
                throw new IllegalArgumentException("extension " + quote(name) + " value " + quote(value)
                        + " contains " + describe(value.charAt(i))
                        + "; only printable US-ASCII characters other than space are allowed");
            }
        }
    }

    /**
     * Checks a connection-address: an IPv4 dotted quad, an IPv6 address in text form (unbracketed, without a
     * zone id) or a host name (letters, digits and hyphens in dot-separated labels, as in mDNS
     * {@code <uuid>.local} names).
     */
    static void checkAddress(String field, String address) {
        if (!isAddress(address)) {
            String hint = address.indexOf('%') >= 0 ? " (an IPv6 zone id cannot appear in SDP)" : "";
            throw new IllegalArgumentException(field + " " + quote(address)
                    + " is not an IPv4 address, an IPv6 address or a host name" + hint);
        }
    }

    /**
     * Whether the text is a connection-address. Which form it must have is told by its characters: a ':' makes it
     * IPv6; only digits and dots, IPv4 (so that an all-numeric name cannot pass for a malformed IPv4 address such
     * as {@code 1.2.3} or {@code 256.0.0.1}); anything else, a host name.
     */
    private static boolean isAddress(String text) {
        try {
            if (text.indexOf(':') >= 0) {
                HostSyntax.ipv6(text, Dialect.SDP);
            } else if (HostSyntax.digitsAndDots(text)) {
                HostSyntax.ipv4(text, Dialect.SDP);
            } else {
                HostSyntax.dnsName(text, Dialect.SDP);
            }
            return true;
        } catch (HostSyntax.Malformed e) {
            return false;
        }
    }

    private static boolean isAlpha(char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    // ---- messages --------------------------------------------------------------------------------------------

    /** Quotes a value for an error message: escapes non-printable characters, shortens long values. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8).append('"');
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch >= 0x20 && ch <= 0x7E) {
                sb.append(ch);
            } else {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            }
        }
        if (s.length() > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    private static String describe(char ch) {
        return ch >= 0x20 && ch <= 0x7E ? "'" + ch + "'" : String.format(Locale.ROOT, "U+%04X", (int) ch);
    }
}
