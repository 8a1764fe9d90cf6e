package io.iceflux;

import io.iceflux.HostSyntax.Dialect;
import io.iceflux.InvalidIceServerException.Part;
import java.util.Locale;

/**
 * A parsed, validated STUN or TURN server URL (RFC 7064 §3.1, RFC 7065 §3.1, W3C webrtc-pc "validate an ICE
 * server URL").
 *
 * <p>The grammar is {@code scheme ":" host [":" port] ["?transport=" ("udp" / "tcp")]}, the query only on
 * {@code turn} and {@code turns}. The parser is hand-written and never resolves a name. Beyond the W3C rules it
 * decides the following, each rejected with an {@link IceServerSyntaxException} naming the {@link Part}:
 * <ul>
 *   <li>The scheme and the {@code transport} key and value are ASCII case-insensitive (RFC 5234 literals).</li>
 *   <li>Any {@code @} is rejected as user info, wherever it is; the exception shows the text before it as
 *       {@code ***}, because it may hold a password.</li>
 *   <li>Whitespace and control characters are rejected anywhere, including at the ends; nothing is trimmed.</li>
 *   <li>A DNS name holds ASCII letters, digits, {@code -} and {@code _}; labels are 1-63 characters, may not
 *       start or end with {@code -}, and the name is at most 253 characters. One trailing dot (a fully
 *       qualified name) is accepted and kept, so {@code example.org.} and {@code example.org} are different
 *       URLs. Names are lower-cased. An internationalized name must be given in its ASCII ({@code xn--}) form;
 *       percent-encoding is not decoded.</li>
 *   <li>A host whose last label is all digits is an IPv4 address and must be a dotted quad of decimal numbers
 *       0-255 without leading zeros ({@code 01.2.3.4} is ambiguous: octal or decimal) and without a trailing
 *       dot.</li>
 *   <li>An IPv6 address must be in brackets; it is validated here (RFC 4291 §2.2 text forms, including an
 *       embedded dotted quad) and kept in its RFC 5952 form. Zone identifiers ({@code %eth0}) and IPvFuture
 *       ({@code [v1.x]}) are rejected: a server address is global.</li>
 *   <li>A port is 1-65535 in decimal digits; leading zeros are accepted.</li>
 *   <li>{@code turns:...?transport=udp} is rejected: TLS over UDP (DTLS) to a TURN server is not supported.</li>
 * </ul>
 *
 * <p>Two URLs are equal when their {@link #canonical()} forms are; {@link #toString()} returns the URL as given.
 */
public final class IceServerUrl {

    /** The URL schemes. */
    public enum Scheme {
        /** {@code stun:}, STUN over UDP (RFC 7064). */
        STUN,
        /** {@code stuns:}, STUN over TLS (RFC 7064). */
        STUNS,
        /** {@code turn:}, TURN over UDP or TCP (RFC 7065). */
        TURN,
        /** {@code turns:}, TURN over TLS (RFC 7065). */
        TURNS;

        /** Return whether this is {@code turn} or {@code turns}. */
        public boolean isTurn() {
            return this == TURN || this == TURNS;
        }

        /** Return whether this is a TLS scheme, {@code stuns} or {@code turns}. */
        public boolean isSecure() {
            return this == STUNS || this == TURNS;
        }

        /** Return the port used when the URL gives none: 5349 for {@code stuns}/{@code turns}, else 3478. */
        public int defaultPort() {
            return isSecure() ? 5349 : 3478;
        }

        /** Return the scheme as written in a canonical URL: {@code "stun"}, {@code "stuns"}, {@code "turn"}, {@code "turns"}. */
        public String uriScheme() {
            return switch (this) {
                case STUN -> "stun";
                case STUNS -> "stuns";
                case TURN -> "turn";
                case TURNS -> "turns";
            };
        }
    }

    /** What kind of host the URL names. */
    public enum HostType {
        /** A DNS name, resolved when gathering. */
        DNS_NAME,
        /** An IPv4 address in dotted-quad form. */
        IPV4,
        /** An IPv6 address, bracketed in the URL. */
        IPV6
    }

    private static final int MAX_SHOWN = 64;
    private static final int MAX_SHOWN_URL = 256;

    private final String url;
    private final Scheme scheme;
    private final String host;
    private final HostType hostType;
    private final int port;
    private final boolean explicitPort;
    private final ServerTransport transport;
    private final boolean explicitTransport;
    private final String canonical;

    /** {@code queryTransport}: UDP or TCP as {@code ?transport=} says, {@code null} without it. */
    private IceServerUrl(String url, Scheme scheme, String host, HostType hostType, Integer port,
                         ServerTransport queryTransport) {
        this.url = url;
        this.scheme = scheme;
        this.host = host;
        this.hostType = hostType;
        this.explicitPort = port != null;
        this.port = port != null ? port : scheme.defaultPort();
        this.explicitTransport = queryTransport != null;
        if (scheme.isSecure()) {
            this.transport = ServerTransport.TLS;
        } else {
            this.transport = queryTransport != null ? queryTransport : ServerTransport.UDP;
        }
        String hostPart = hostType == HostType.IPV6 ? "[" + host + "]" : host;
        this.canonical = scheme.uriScheme() + ":" + hostPart + ":" + this.port
                + (scheme.isTurn() ? "?transport=" + (this.transport == ServerTransport.UDP ? "udp" : "tcp") : "");
    }

    /**
     * Parse and validate a STUN or TURN server URL.
     *
     * @throws IceServerSyntaxException naming the part that is wrong, for a {@code null} or malformed URL
     */
    public static IceServerUrl parse(String url) {
        return new Parser(url).parse();
    }

    /** Return the URL exactly as given. */
    public String url() {
        return url;
    }

    /** Return the scheme. */
    public Scheme scheme() {
        return scheme;
    }

    /** Return the host: a DNS name lower-cased, an IPv4 dotted quad, or an IPv6 address (RFC 5952) without brackets. */
    public String host() {
        return host;
    }

    /** Return what kind of host the URL names. */
    public HostType hostType() {
        return hostType;
    }

    /** Return the port, the scheme's default when none was given. */
    public int port() {
        return port;
    }

    /** Return whether the URL gave a port. */
    public boolean hasExplicitPort() {
        return explicitPort;
    }

    /**
     * Return how to talk to the server: {@link ServerTransport#TLS} for {@code stuns:} and {@code turns:},
     * {@link ServerTransport#TCP} for {@code turn:...?transport=tcp}, else {@link ServerTransport#UDP}.
     */
    public ServerTransport transport() {
        return transport;
    }

    /** Return whether the URL gave {@code ?transport=}. */
    public boolean hasExplicitTransport() {
        return explicitTransport;
    }

    /**
     * Return the canonical form used to compare URLs: lower-case scheme and host, the port filled in, an IPv6
     * host in brackets, and {@code ?transport=udp|tcp} on turn/turns only, e.g. {@code turn:example.org:3478?transport=udp}.
     */
    public String canonical() {
        return canonical;
    }

    /** Compare the {@link #canonical()} forms. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IceServerUrl other && canonical.equals(other.canonical);
    }

    /** Hash the {@link #canonical()} form. */
    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** Return the URL exactly as given. */
    @Override
    public String toString() {
        return url;
    }

    /** Replace any text before the last {@code @} (keeping a known scheme) by {@code ***}. */
    static String redact(String url) {
        if (url == null) {
            return null;
        }
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int colon = url.indexOf(':');
        int keep = colon > 0 && colon < at && schemeOf(url.substring(0, colon)) != null ? colon + 1 : 0;
        return url.substring(0, keep) + "***" + url.substring(at);
    }

    /** Quote text for a message: control and space characters escaped, long text cut. */
    static String quote(String text, int max) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 8).append('"');
        int n = Math.min(text.length(), max);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == ' ') {
                sb.append(c);
            } else if (isSpaceOrControl(c)) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > max) {
            sb.append("...(").append(text.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }

    static boolean isSpaceOrControl(char c) {
        return c <= 0x20 || Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || c == '\uFEFF';
    }

    private static Scheme schemeOf(String text) {
        String lower = asciiLower(text);
        for (Scheme s : Scheme.values()) {
            if (s.uriScheme().equals(lower)) {
                return s;
            }
        }
        return null;
    }

    /** Lower-case ASCII letters only, so that no locale or Unicode case folding ({@code ſ}, {@code K}) applies. */
    private static String asciiLower(String s) {
        char[] out = s.toCharArray();
        for (int i = 0; i < out.length; i++) {
            char c = out[i];
            if (c >= 'A' && c <= 'Z') {
                out[i] = (char) (c + ('a' - 'A'));
            }
        }
        return new String(out);
    }

    /** One parse of one URL; throws on the first problem found. */
    private static final class Parser {
        private final String url;

        Parser(String url) {
            this.url = url;
        }

        IceServerUrl parse() {
            if (url == null) {
                throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server URL: the URL is null");
            }
            if (url.indexOf('@') >= 0) {
                throw error(Part.USERINFO, "user info before '@' is not allowed (it may carry a password); "
                        + "pass the username and credential to IceServer.of(urls, username, credential)");
            }
            if (url.isEmpty()) {
                throw error(Part.SCHEME, "the URL is empty; expected stun:, stuns:, turn: or turns: and a host");
            }
            checkNoSpaceOrControl();

            int colon = url.indexOf(':');
            if (colon < 0) {
                throw error(Part.SCHEME, "there is no scheme; expected stun:, stuns:, turn: or turns: before the host");
            }
            if (colon == 0) {
                throw error(Part.SCHEME, "the scheme before ':' is empty; expected stun, stuns, turn or turns");
            }
            String schemeText = url.substring(0, colon);
            Scheme scheme = schemeOf(schemeText);
            if (scheme == null) {
                throw error(Part.SCHEME, "scheme " + shown(schemeText) + " is not stun, stuns, turn or turns");
            }

            String rest = url.substring(colon + 1);
            if (rest.startsWith("//")) {
                throw error(Part.AUTHORITY, "'//' after the scheme is not allowed (no authority); write "
                        + scheme.uriScheme() + ":host, not " + scheme.uriScheme() + "://host");
            }
            int hash = rest.indexOf('#');
            int question = rest.indexOf('?');
            if (hash >= 0 && question > hash) {
                question = -1;
            }
            int hostEnd = question >= 0 ? question : hash >= 0 ? hash : rest.length();
            String hostPort = rest.substring(0, hostEnd);
            int slash = hostPort.indexOf('/');
            if (slash >= 0) {
                throw error(Part.PATH, "path " + shown(hostPort.substring(slash))
                        + " is not allowed; the URL ends after the host and port");
            }
            if (hash >= 0) {
                throw error(Part.FRAGMENT, "fragment " + shown(rest.substring(hash)) + " is not allowed");
            }
            String query = question >= 0 ? rest.substring(question + 1) : null;
            if (query != null && !scheme.isTurn()) {
                throw error(Part.QUERY, "a " + scheme.uriScheme() + ": URL takes no query, but has "
                        + shown("?" + query) + "; ?transport= is only for turn: and turns:");
            }

            String hostText;
            String portText;
            String host;
            HostType hostType;
            if (hostPort.startsWith("[")) {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    throw error(Part.HOST, "'[' has no matching ']' around the IPv6 address");
                }
                hostText = hostPort.substring(1, close);
                String after = hostPort.substring(close + 1);
                if (after.isEmpty()) {
                    portText = null;
                } else if (after.charAt(0) == ':') {
                    portText = after.substring(1);
                } else {
                    throw error(Part.HOST, "unexpected " + shown(after) + " after the IPv6 address; only :port may follow ']'");
                }
                host = ipv6(hostText);
                hostType = HostType.IPV6;
            } else {
                int portColon = hostPort.indexOf(':');
                if (portColon >= 0 && hostPort.indexOf(':', portColon + 1) >= 0) {
                    throw error(Part.HOST, "host " + shown(hostPort) + " has more than one ':'; an IPv6 address "
                            + "must be in brackets, e.g. " + scheme.uriScheme() + ":[2001:db8::1]:3478");
                }
                hostText = portColon >= 0 ? hostPort.substring(0, portColon) : hostPort;
                portText = portColon >= 0 ? hostPort.substring(portColon + 1) : null;
                if (hostText.isEmpty()) {
                    throw error(Part.HOST, "the host is empty");
                }
                String lastLabel = hostText.substring(hostText.lastIndexOf('.', hostText.length() - 2) + 1);
                if (lastLabel.endsWith(".")) {
                    lastLabel = lastLabel.substring(0, lastLabel.length() - 1);
                }
                if (HostSyntax.allDigits(lastLabel)) {
                    host = ipv4(hostText, "host " + shown(hostText) + " ends in a number, so it must be an IPv4 address, but ");
                    hostType = HostType.IPV4;
                } else {
                    host = dnsName(hostText);
                    hostType = HostType.DNS_NAME;
                }
            }
            Integer port = portText == null ? null : port(portText);
            ServerTransport transport = query == null ? null : transport(scheme, query);
            return new IceServerUrl(url, scheme, host, hostType, port, transport);
        }

        private void checkNoSpaceOrControl() {
            for (int i = 0; i < url.length(); i++) {
                char c = url.charAt(i);
                if (isSpaceOrControl(c)) {
                    Part part = partAt(i);
                    throw error(part, "contains a space or control character (U+" + String.format(Locale.ROOT, "%04X", (int) c)
                            + ") at index " + i + ", in the " + part.name().toLowerCase(Locale.ROOT));
                }
            }
        }

        /** Which part index {@code i} falls in, for a message about a bad character. */
        private Part partAt(int i) {
            int colon = url.indexOf(':');
            if (colon < 0 || i < colon) {
                return Part.SCHEME;
            }
            int hash = url.indexOf('#', colon);
            if (hash >= 0 && i > hash) {
                return Part.FRAGMENT;
            }
            int question = url.indexOf('?', colon);
            if (question >= 0 && (hash < 0 || question < hash) && i > question) {
                return Part.QUERY;
            }
            String before = url.substring(colon + 1, i);
            if (before.startsWith("//")) {
                return Part.AUTHORITY;
            }
            if (before.indexOf('/') >= 0) {
                return Part.PATH;
            }
            int lastColon = before.lastIndexOf(':');
            if (before.startsWith("[")) {
                return lastColon > before.indexOf(']') && before.indexOf(']') >= 0 ? Part.PORT : Part.HOST;
            }
            return lastColon >= 0 && before.indexOf(':') == lastColon ? Part.PORT : Part.HOST;
        }

        private String dnsName(String text) {
            try {
                HostSyntax.dnsName(text, Dialect.SERVER_URL);
            } catch (HostSyntax.Malformed e) {
                throw error(Part.HOST, "host " + shown(text) + " " + e.reason(Parser::shown));
            }
            return asciiLower(text);
        }

        private String ipv4(String text, String context) {
            try {
                HostSyntax.ipv4(text, Dialect.SERVER_URL);
            } catch (HostSyntax.Malformed e) {
                throw error(Part.HOST, context + e.reason(Parser::shown));
            }
            return text;
        }

        private String ipv6(String text) {
            if (text.isEmpty()) {
                throw error(Part.HOST, "'[]' holds no IPv6 address");
            }
            int percent = text.indexOf('%');
            if (percent >= 0) {
                throw error(Part.HOST, "IPv6 zone identifier " + shown(text.substring(percent))
                        + " is not allowed; an ICE server address is global");
            }
            if (text.charAt(0) == 'v' || text.charAt(0) == 'V') {
                throw error(Part.HOST, "IPvFuture address " + shown(text) + " is not supported");
            }
            try {
                return IpAddresses.ipv6(HostSyntax.ipv6(text, Dialect.SERVER_URL));
            } catch (HostSyntax.Malformed e) {
                throw error(Part.HOST, "IPv6 address " + shown(text) + " is not valid: " + e.reason(Parser::shown));
            }
        }

        private Integer port(String text) {
            if (text.isEmpty()) {
                throw error(Part.PORT, "':' after the host is not followed by a port");
            }
            if (!HostSyntax.allDigits(text)) {
                throw error(Part.PORT, "port " + shown(text) + " is not a decimal number");
            }
            String digits = text.replaceFirst("^0+(?=.)", "");
            int value = digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (value < 1 || value > 65535) {
                throw error(Part.PORT, "port " + (text.length() > MAX_SHOWN ? shown(text) : text)
                        + " is out of range 1-65535");
            }
            return value;
        }

        /** The {@code ?transport=} value: UDP or TCP. */
        private ServerTransport transport(Scheme scheme, String query) {
            if (query.isEmpty()) {
                throw error(Part.QUERY, "'?' is followed by no query; write ?transport=udp or ?transport=tcp");
            }
            int eq = query.indexOf('=');
            if (eq < 0 || !asciiLower(query.substring(0, eq)).equals("transport")) {
                throw error(Part.QUERY, "query " + shown(query)
                        + " is not supported; only transport=udp or transport=tcp");
            }
            String value = asciiLower(query.substring(eq + 1));
            ServerTransport transport;
            if (value.equals("udp")) {
                transport = ServerTransport.UDP;
            } else if (value.equals("tcp")) {
                transport = ServerTransport.TCP;
            } else {
                throw error(Part.QUERY, "transport " + shown(query.substring(eq + 1))
                        + " is not supported; only udp or tcp");
            }
            if (scheme == Scheme.TURNS && transport == ServerTransport.UDP) {
                throw error(Part.QUERY, "turns: with transport=udp would need DTLS, which is not supported; "
                        + "use turns:host?transport=tcp (TLS over TCP) or turn:host?transport=udp");
            }
            return transport;
        }

        private IceServerSyntaxException error(Part part, String what) {
            String shownUrl = redact(url);
            return new IceServerSyntaxException(shownUrl, part,
                    "invalid ICE server URL " + quote(shownUrl, MAX_SHOWN_URL) + ": " + what);
        }

        private static String shown(String fragment) {
            return quote(fragment, MAX_SHOWN);
        }
    }
}
