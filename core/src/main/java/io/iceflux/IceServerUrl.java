package io.iceflux;

import io.iceflux.InvalidIceServerException.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed, validated STUN or TURN server URL, accepted and rejected exactly as browsers validate
 * {@code RTCIceServer.urls}: the WHATWG URL Standard's parser plus the W3C webrtc-pc "validate an ICE server URL"
 * steps (web-platform-tests {@code webrtc/RTCConfiguration-iceServers.html} is the reference).
 *
 * <ol>
 *   <li>Leading and trailing C0 control characters and spaces are trimmed; tabs and newlines are removed
 *       anywhere.</li>
 *   <li>The scheme is {@code stun}, {@code stuns}, {@code turn} or {@code turns}, in any ASCII case.</li>
 *   <li>What follows the scheme is an opaque path ({@code stun:host}, never {@code stun://host} or
 *       {@code stun:/host}) without {@code /} or {@code @}; there is no fragment ({@code #}); a {@code stun:} or
 *       {@code stuns:} URL has no query, and a {@code turn:} or {@code turns:} URL's query, if any, is exactly
 *       {@code transport=udp} or {@code transport=tcp} (case-sensitive).</li>
 *   <li>The host and port are that path read as the authority of an {@code https://} URL: the host is
 *       percent-decoded and passed through UTS #46 ToASCII (IDNA, {@code faß.ExAmPlE} is
 *       {@code xn--fa-hia.example}), a host that ends in a number is an IPv4 address in any of the URL Standard's
 *       forms ({@code 0x7f.1} is {@code 127.0.0.1}), {@code [...]} is an IPv6 address; an empty port is the
 *       default one and a port is 0-65535 in decimal digits. A {@code \} (which a browser reads as a path) is
 *       rejected. See {@link UrlHost}.</li>
 * </ol>
 * Every rejection is an {@link IceServerSyntaxException} naming the {@link Part}. Two rules are IceFlux's own and
 * change nothing a browser accepts: any {@code @} is reported as user info, with the text before it shown as
 * {@code ***} because it may hold a password; {@code turns:...?transport=udp} (DTLS) is accepted as browsers accept it
 * but talked to over TLS on TCP, as {@code turns:} always is (see {@link #lint()}). Names are never resolved here.
 *
 * <p>{@link #url()} and {@link #toString()} are the URL exactly as given; {@link #canonical()} is the form a browser
 * resolves, and two URLs are equal when their canonical forms are. {@link #lint()} lists what is accepted but
 * unusual (an IDN or percent-encoded host, an IPv4 address not written as a dotted quad, stripped whitespace, ...),
 * the checks IceFlux once enforced, now opt-in.
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
        /** A domain name, resolved when gathering: ASCII, as UTS #46 ToASCII made it. */
        DNS_NAME,
        /** An IPv4 address, in dotted-quad form whatever form the URL wrote it in. */
        IPV4,
        /** An IPv6 address, bracketed in the URL. */
        IPV6
    }

    /**
     * Something a URL does that browsers accept but that is unusual or does not work as it reads: what
     * {@link IceServerUrl#lint()} and {@link IceServer#lint()} report. Never an error: the URL is valid.
     *
     * @param kind    what is unusual
     * @param url     the URL exactly as given (text before an {@code @} never appears: such a URL is rejected)
     * @param message a sentence for people, naming the URL and what to write instead
     */
    public record Warning(Kind kind, String url, String message) {

        /** What a {@link Warning} is about. */
        public enum Kind {
            /** Leading or trailing control characters or spaces, or tabs or newlines inside, were removed. */
            WHITESPACE_REMOVED,
            /**
             * The host is written otherwise than it is resolved, beyond ASCII case: an internationalized name,
             * percent-encoding, full-width characters, or characters IDNA ignores.
             */
            HOST_REWRITTEN,
            /**
             * The host is not a DNS host name: characters other than letters, digits, {@code -}, {@code _} and
             * {@code .}, an empty label, a label that starts or ends with {@code -}, a label longer than 63 or a
             * name longer than 253 characters.
             */
            NOT_A_DNS_NAME,
            /** An IPv4 address not written as a dotted quad of decimal numbers without leading zeros. */
            IPV4_NOT_DOTTED_QUAD,
            /** A {@code :} with no port after it: the default port is used. */
            EMPTY_PORT,
            /** Port 0, which no server listens on. */
            PORT_ZERO,
            /** {@code turns:...?transport=udp} asks for DTLS, which IceFlux does not speak: it uses TLS over TCP. */
            DTLS_NOT_SUPPORTED,
            /** An empty username on a TURN server ({@link IceServer#lint()} only). */
            EMPTY_USERNAME,
            /** An empty credential on a TURN server ({@link IceServer#lint()} only). */
            EMPTY_CREDENTIAL
        }
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
    private final List<Warning> warnings;

    private IceServerUrl(Parser parsed, UrlHost.Host host, Integer port, ServerTransport queryTransport) {
        this.url = parsed.url;
        this.scheme = parsed.scheme;
        this.host = host.text();
        this.hostType = host.type();
        this.explicitPort = port != null;
        this.port = port != null ? port : scheme.defaultPort();
        this.explicitTransport = queryTransport != null;
        if (scheme.isSecure()) {
            this.transport = ServerTransport.TLS;
        } else {
            this.transport = queryTransport != null ? queryTransport : ServerTransport.UDP;
        }
        String hostPart = hostType == HostType.IPV6 ? "[" + this.host + "]" : this.host;
        this.canonical = scheme.uriScheme() + ":" + hostPart + ":" + this.port
                + (scheme.isTurn() ? "?transport=" + (this.transport == ServerTransport.UDP ? "udp" : "tcp") : "");
        this.warnings = List.copyOf(parsed.warnings(this, queryTransport));
    }

    /**
     * Parse and validate a STUN or TURN server URL as a browser validates {@code RTCIceServer.urls}.
     *
     * @throws IceServerSyntaxException naming the part that is wrong, for a {@code null} URL or one a browser rejects
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

    /**
     * Return the host as a browser resolves it: a domain name in ASCII (lower case, internationalized labels in
     * their {@code xn--} form, a final dot kept), an IPv4 dotted quad, or an IPv6 address (RFC 5952) without
     * brackets.
     */
    public String host() {
        return host;
    }

    /** Return what kind of host the URL names. */
    public HostType hostType() {
        return hostType;
    }

    /** Return the port, the scheme's default when none was given (no {@code :}, or nothing after it). */
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
     * Return the canonical form used to compare URLs: lower-case scheme, the {@link #host()} as a browser resolves
     * it (an IPv6 host in brackets), the port filled in, and {@code ?transport=udp|tcp} on turn/turns only, e.g.
     * {@code turn:xn--fa-hia.example:3478?transport=udp} for {@code TURN:faß.ExAmPlE}.
     */
    public String canonical() {
        return canonical;
    }

    /**
     * Return what this URL does that browsers accept but is unusual or will not work as it reads (opt-in checks:
     * parsing never fails for them), in the order found; empty for a plain URL such as {@code stun:example.org}.
     */
    public List<Warning> lint() {
        return warnings;
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

    /** Whether {@code c} is a URL Standard "C0 control or space": U+0000 to U+0020. */
    private static boolean isC0ControlOrSpace(char c) {
        return c <= 0x20;
    }

    /** Whether {@code c} is a URL Standard "ASCII tab or newline". */
    private static boolean isTabOrNewline(char c) {
        return c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * One parse of one URL, the steps of the URL Standard's basic URL parser for a non-special scheme (no base URL)
     * and of webrtc-pc's "validate an ICE server URL"; throws on the first problem found.
     */
    private static final class Parser {
        private final String url;
        private Scheme scheme;
        /** Whether trimming or removing tabs and newlines changed the URL. */
        private boolean whitespaceRemoved;
        /** The host as written in the URL (after tab and newline removal), for {@link #warnings}. */
        private String hostText;
        /** Whether a ':' after the host had no port after it. */
        private boolean emptyPort;

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
            String input = cleaned(url);
            whitespaceRemoved = !input.equals(url);
            if (input.isEmpty()) {
                throw error(Part.SCHEME, "the URL is empty; expected stun:, stuns:, turn: or turns: and a host");
            }

            int colon = input.indexOf(':');
            if (colon < 0) {
                throw error(Part.SCHEME, "there is no scheme; expected stun:, stuns:, turn: or turns: before the host");
            }
            if (colon == 0) {
                throw error(Part.SCHEME, "the scheme before ':' is empty; expected stun, stuns, turn or turns");
            }
            String schemeText = input.substring(0, colon);
            scheme = schemeOf(schemeText);
            if (scheme == null) {
                throw error(Part.SCHEME, "scheme " + shown(schemeText) + " is not stun, stuns, turn or turns");
            }

            String rest = input.substring(colon + 1);
            if (rest.startsWith("//")) {
                throw error(Part.AUTHORITY, "'//' after the scheme is not allowed (no authority); write "
                        + scheme.uriScheme() + ":host, not " + scheme.uriScheme() + "://host");
            }
            if (rest.startsWith("/")) {
                throw error(Part.PATH, "'/' after the scheme is not allowed; write " + scheme.uriScheme()
                        + ":host, not " + scheme.uriScheme() + ":/host");
            }
            int hash = rest.indexOf('#');
            String beforeFragment = hash >= 0 ? rest.substring(0, hash) : rest;
            int question = beforeFragment.indexOf('?');
            String path = question >= 0 ? beforeFragment.substring(0, question) : beforeFragment;
            String query = question >= 0 ? beforeFragment.substring(question + 1) : null;
            int slash = path.indexOf('/');
            if (slash >= 0) {
                throw error(Part.PATH, "path " + shown(path.substring(slash))
                        + " is not allowed; the URL ends after the host and port");
            }
            if (hash >= 0) {
                throw error(Part.FRAGMENT, "fragment " + shown(rest.substring(hash)) + " is not allowed");
            }
            if (query != null && !scheme.isTurn()) {
                throw error(Part.QUERY, "a " + scheme.uriScheme() + ": URL takes no query, but has "
                        + shown("?" + query) + "; ?transport= is only for turn: and turns:");
            }

            int backslash = path.indexOf('\\');
            String authority = backslash >= 0 ? path.substring(0, backslash) : path;
            int portColon = portColon(authority);
            hostText = portColon >= 0 ? authority.substring(0, portColon) : authority;
            String portText = portColon >= 0 ? authority.substring(portColon + 1) : null;
            if (hostText.isEmpty()) {
                throw error(Part.HOST, "the host is empty");
            }
            if (portText != null && portText.indexOf(':') >= 0 && !hostText.startsWith("[")) {
                throw error(Part.HOST, "host " + shown(authority) + " has more than one ':'; an IPv6 address "
                        + "must be in brackets, e.g. " + scheme.uriScheme() + ":[2001:db8::1]:3478");
            }
            UrlHost.Host host;
            try {
                host = UrlHost.parse(hostText);
            } catch (HostSyntax.Malformed e) {
                throw error(Part.HOST, "host " + shown(hostText) + " " + e.reason(Parser::shown));
            }
            Integer port = portText == null ? null : port(portText);
            if (backslash >= 0) {
                throw error(Part.PATH, "'\\' after the host is not allowed; a browser reads "
                        + shown(path.substring(backslash)) + " as a path");
            }
            ServerTransport transport = query == null ? null : transport(query);
            return new IceServerUrl(this, host, port, transport);
        }

        /** The URL without leading and trailing C0 controls and spaces, and without tabs and newlines. */
        private static String cleaned(String url) {
            int start = 0;
            int end = url.length();
            while (start < end && isC0ControlOrSpace(url.charAt(start))) {
                start++;
            }
            while (end > start && isC0ControlOrSpace(url.charAt(end - 1))) {
                end--;
            }
            StringBuilder out = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                char c = url.charAt(i);
                if (!isTabOrNewline(c)) {
                    out.append(c);
                }
            }
            return out.toString();
        }

        /** The index of the ':' that starts the port: the first one outside brackets, or -1. */
        private static int portColon(String authority) {
            boolean insideBrackets = false;
            for (int i = 0; i < authority.length(); i++) {
                char c = authority.charAt(i);
                if (c == '[') {
                    insideBrackets = true;
                } else if (c == ']') {
                    insideBrackets = false;
                } else if (c == ':' && !insideBrackets) {
                    return i;
                }
            }
            return -1;
        }

        /** The port: decimal digits 0-65535, or none (the default) when nothing follows the ':'. */
        private Integer port(String text) {
            if (text.isEmpty()) {
                emptyPort = true;
                return null;
            }
            if (!HostSyntax.allDigits(text)) {
                throw error(Part.PORT, "port " + shown(text) + " is not a decimal number");
            }
            String digits = text.replaceFirst("^0+(?=.)", "");
            int value = digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (value > 65535) {
                throw error(Part.PORT, "port " + (text.length() > MAX_SHOWN ? shown(text) : text)
                        + " is out of range 0-65535");
            }
            return value;
        }

        /** The query of a turn: or turns: URL: exactly {@code transport=udp} or {@code transport=tcp}. */
        private ServerTransport transport(String query) {
            if (query.equals("transport=udp")) {
                return ServerTransport.UDP;
            }
            if (query.equals("transport=tcp")) {
                return ServerTransport.TCP;
            }
            if (query.isEmpty()) {
                throw error(Part.QUERY, "'?' is followed by no query; write ?transport=udp or ?transport=tcp");
            }
            if (query.startsWith("transport=")) {
                throw error(Part.QUERY, "transport " + shown(query.substring("transport=".length()))
                        + " is not supported; only udp or tcp, in lower case");
            }
            throw error(Part.QUERY, "query " + shown(query)
                    + " is not supported; only transport=udp or transport=tcp, in lower case");
        }

        /** The opt-in checks of {@link IceServerUrl#lint()} on what was parsed. */
        List<Warning> warnings(IceServerUrl parsed, ServerTransport queryTransport) {
            List<Warning> out = new ArrayList<>(2);
            if (whitespaceRemoved) {
                out.add(warning(Warning.Kind.WHITESPACE_REMOVED, "control characters, spaces, tabs or newlines were "
                        + "removed; the URL is read as " + shown(cleaned(url))));
            }
            String written = asciiLower(hostText);
            if (parsed.hostType == HostType.IPV4 && !written.equals(parsed.host)) {
                out.add(warning(Warning.Kind.IPV4_NOT_DOTTED_QUAD, "host " + shown(hostText) + " is read as the IPv4 "
                        + "address " + parsed.host + "; write " + parsed.host));
            } else if (parsed.hostType == HostType.DNS_NAME) {
                if (!written.equals(parsed.host)) {
                    out.add(warning(Warning.Kind.HOST_REWRITTEN, "host " + shown(hostText) + " is resolved as "
                            + shown(parsed.host) + "; write " + shown(parsed.host)));
                }
                try {
                    HostSyntax.dnsName(parsed.host, HostSyntax.Dialect.SERVER_URL);
                } catch (HostSyntax.Malformed e) {
                    out.add(warning(Warning.Kind.NOT_A_DNS_NAME, "host " + shown(parsed.host) + " is not a DNS host "
                            + "name: it " + e.reason(Parser::shown) + "; a lookup of it will likely fail"));
                }
            }
            if (emptyPort) {
                out.add(warning(Warning.Kind.EMPTY_PORT, "':' after the host has no port; the default port "
                        + parsed.port + " is used"));
            }
            if (parsed.explicitPort && parsed.port == 0) {
                out.add(warning(Warning.Kind.PORT_ZERO, "port 0 is not a port a server can listen on"));
            }
            if (scheme == Scheme.TURNS && queryTransport == ServerTransport.UDP) {
                out.add(warning(Warning.Kind.DTLS_NOT_SUPPORTED, "turns: with transport=udp asks for DTLS, which "
                        + "IceFlux does not support; it talks TLS over TCP, as for turns:host?transport=tcp"));
            }
            return out;
        }

        private Warning warning(Warning.Kind kind, String what) {
            return new Warning(kind, url, "ICE server URL " + quote(url, MAX_SHOWN_URL) + ": " + what);
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
