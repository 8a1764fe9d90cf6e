package io.iceflux;

/**
 * An ICE server configuration that cannot be used: a malformed URL ({@link IceServerSyntaxException}, the W3C
 * {@code SyntaxError}) or missing or unusable TURN credentials ({@link IceServerCredentialsException}, the W3C
 * {@code InvalidAccessError}).
 *
 * <p>The message says what is wrong and with which {@link Part}. It never contains a credential, and never the
 * text before an {@code @} in a URL (user info may hold a password): {@link #url()} and the message show such a
 * URL with that text replaced by {@code ***}.
 */
public abstract sealed class InvalidIceServerException extends IllegalArgumentException
        permits IceServerSyntaxException, IceServerCredentialsException {

    /** The part of the ICE server configuration that is wrong. */
    public enum Part {
        /**
         * The URL list itself: empty, {@code null}, longer than {@link IceServer#MAX_URLS}, or holding a
         * {@code null} entry.
         */
        URLS,
        /** The scheme: missing, or not {@code stun}, {@code stuns}, {@code turn} or {@code turns}. */
        SCHEME,
        /** An authority ({@code //}) after the scheme. */
        AUTHORITY,
        /** User info ({@code user@}) before the host. */
        USERINFO,
        /**
         * The host: empty, an invalid domain name (UTS #46), a forbidden code point, a number that is not a valid
         * IPv4 address, a malformed IPv6 address, or an IPv6 address without brackets.
         */
        HOST,
        /** The port: not decimal digits, or above 65535 (an empty port is the default one). */
        PORT,
        /** A path: {@code /} after the scheme or the host, or {@code \\} after the host. */
        PATH,
        /** The query: on a stun URL, or anything but exactly {@code transport=udp} or {@code transport=tcp}. */
        QUERY,
        /** A fragment ({@code #...}). */
        FRAGMENT,
        /** The username of a TURN server. */
        USERNAME,
        /** The credential of a TURN server. */
        CREDENTIAL
    }

    private final String url;
    private final Part part;

    InvalidIceServerException(String url, Part part, String message) {
        super(message);
        this.url = url;
        this.part = part;
    }

    /**
     * Return the offending URL as given, with any text before an {@code @} replaced by {@code ***}; {@code null}
     * when the problem is not with one URL (an empty or {@code null} URL list, a {@code null} entry).
     */
    public String url() {
        return url;
    }

    /** Return the part of the configuration that is wrong. */
    public Part part() {
        return part;
    }
}
