package io.iceflux;

import io.iceflux.InvalidIceServerException.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * W3C {@code RTCIceServer}: one or more STUN/TURN URLs with optional long-term credentials and an optional
 * per-server override of the STUN timers. Immutable.
 *
 * <p>Every URL is validated with {@link IceServerUrl#parse(String)}; then, if any URL is {@code turn:} or
 * {@code turns:}, the username and credential must be present and non-empty (W3C {@code InvalidAccessError}).
 * A username or credential that is given, on any server, must be valid Unicode without control characters and
 * fewer than {@value #MAX_CREDENTIAL_BYTES_EXCLUSIVE} bytes in UTF-8 (RFC 8489 §14.3). Credentials on a
 * stun-only server are kept, as browsers do, though STUN Binding requests do not use them.
 *
 * <p>{@link #toString()} shows the credential as {@code ***}; no exception message ever contains it.
 */
public final class IceServer {

    /** A username or credential must be fewer than this many bytes in UTF-8 (RFC 8489 §14.3). */
    public static final int MAX_CREDENTIAL_BYTES_EXCLUSIVE = 509;

    /**
     * The most URLs one server takes; a server with more is rejected with an {@link IceServerSyntaxException}
     * ({@link InvalidIceServerException.Part#URLS}) whose message names this limit.
     */
    public static final int MAX_URLS = 32;

    private final List<String> urls;
    private final List<IceServerUrl> parsedUrls;
    private final String username;
    private final String credential;
    private final StunTimers timers;

    private IceServer(List<String> urls, List<IceServerUrl> parsedUrls, String username, String credential,
                      StunTimers timers) {
        this.urls = urls;
        this.parsedUrls = parsedUrls;
        this.username = username;
        this.credential = credential;
        this.timers = timers;
    }

    /**
     * Create a server without credentials, e.g. {@code IceServer.of("stun:stun.example.org")}.
     *
     * @throws IceServerSyntaxException      for no URL, more than {@link #MAX_URLS}, a {@code null} or a malformed URL
     * @throws IceServerCredentialsException for a turn/turns URL, which needs credentials
     */
    public static IceServer of(String... urls) {
        if (urls == null) {
            throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server: the URL list is null");
        }
        return of(Arrays.asList(urls), null, null);
    }

    /**
     * Create a server with long-term credentials; {@code username} and {@code credential} may be {@code null}
     * when no URL is turn/turns.
     *
     * @throws IceServerSyntaxException      for an empty or {@code null} list, more than {@link #MAX_URLS}
     *                                       URLs, a {@code null} entry or a malformed URL (checked before the
     *                                       credentials)
     * @throws IceServerCredentialsException for a missing or empty username or credential with a turn/turns
     *                                       URL, or a username or credential with a control character, an
     *                                       unpaired surrogate, or {@value #MAX_CREDENTIAL_BYTES_EXCLUSIVE}
     *                                       or more bytes in UTF-8
     */
    public static IceServer of(List<String> urls, String username, String credential) {
        if (urls == null) {
            throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server: the URL list is null");
        }
        List<String> given = new ArrayList<>(urls);
        if (given.isEmpty()) {
            throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server: the URL list is empty");
        }
        if (given.size() > MAX_URLS) {
            throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server: " + given.size()
                    + " URLs, more than the limit of " + MAX_URLS + " (IceServer.MAX_URLS)");
        }
        List<IceServerUrl> parsed = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            String url = given.get(i);
            if (url == null) {
                throw new IceServerSyntaxException(null, Part.URLS, "invalid ICE server: urls[" + i + "] is null");
            }
            parsed.add(IceServerUrl.parse(url));
        }
        String turnUrl = parsed.stream().filter(u -> u.scheme().isTurn()).map(IceServerUrl::url)
                .findFirst().orElse(null);
        if (turnUrl != null) {
            if (username == null || username.isEmpty()) {
                throw credentialsError(turnUrl, Part.USERNAME, "the username is "
                        + (username == null ? "missing" : "empty") + "; a turn: or turns: URL needs a username and a credential");
            }
            if (credential == null || credential.isEmpty()) {
                throw credentialsError(turnUrl, Part.CREDENTIAL, "the credential is "
                        + (credential == null ? "missing" : "empty") + "; a turn: or turns: URL needs a username and a credential");
            }
        }
        String subject = turnUrl != null ? turnUrl : given.get(0);
        if (username != null) {
            checkOpaque(subject, Part.USERNAME, username);
        }
        if (credential != null) {
            checkOpaque(subject, Part.CREDENTIAL, credential);
        }
        return new IceServer(List.copyOf(given), List.copyOf(parsed), username, credential, null);
    }

    /** Check a username or credential for control characters, unpaired surrogates and its UTF-8 length. */
    private static void checkOpaque(String url, Part part, String value) {
        String name = part == Part.USERNAME ? "username" : "credential";
        boolean showIndex = part == Part.USERNAME;
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw credentialsError(url, part, "the " + name + " contains a control character"
                        + (showIndex ? " at index " + i : "") + " (not allowed by the OpaqueString profile, RFC 8265)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw credentialsError(url, part, "the " + name + " is not valid Unicode (an unpaired surrogate"
                        + (showIndex ? " at index " + i : "") + ")");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        if (bytes >= MAX_CREDENTIAL_BYTES_EXCLUSIVE) {
            throw credentialsError(url, part, "the " + name + " is "
                    + (showIndex ? bytes + " bytes" : "too long") + " in UTF-8; RFC 8489 §14.3 allows fewer than "
                    + MAX_CREDENTIAL_BYTES_EXCLUSIVE + " bytes");
        }
    }

    private static IceServerCredentialsException credentialsError(String url, Part part, String what) {
        return new IceServerCredentialsException(url, part,
                "invalid ICE server credentials for " + IceServerUrl.quote(url, 256) + ": " + what);
    }

    /** Return the URLs exactly as given, in order (unmodifiable). */
    public List<String> urls() {
        return urls;
    }

    /** Return the parsed URLs, in the order of {@link #urls()} (unmodifiable). */
    public List<IceServerUrl> parsedUrls() {
        return parsedUrls;
    }

    /** Return the username, if one was given. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** Return the credential (the long-term password), if one was given. */
    public Optional<String> credential() {
        return Optional.ofNullable(credential);
    }

    /** Return this server's own STUN timers, if set; otherwise {@link IceConfiguration#stunTimers()} apply. */
    public Optional<StunTimers> timers() {
        return Optional.ofNullable(timers);
    }

    /**
     * Return a copy that uses {@code timers} for this server instead of the configuration's.
     *
     * @throws NullPointerException for {@code null} timers; use {@link #withoutTimers()} to remove an override
     */
    public IceServer withTimers(StunTimers timers) {
        Objects.requireNonNull(timers, "timers");
        return new IceServer(urls, parsedUrls, username, credential, timers);
    }

    /** Return a copy without a timer override, so that the configuration's timers apply. */
    public IceServer withoutTimers() {
        return timers == null ? this : new IceServer(urls, parsedUrls, username, credential, null);
    }

    /** Compare the URLs as given, username, credential and timers. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IceServer s
                && urls.equals(s.urls)
                && Objects.equals(username, s.username)
                && Objects.equals(credential, s.credential)
                && Objects.equals(timers, s.timers);
    }

    /** Hash the URLs as given, username, credential and timers. */
    @Override
    public int hashCode() {
        return Objects.hash(urls, username, credential, timers);
    }

    /** Show the URLs, the username and the timers; a credential shows as {@code ***}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IceServer[urls=").append(urls);
        if (username != null) {
            sb.append(", username=").append(username);
        }
        if (credential != null) {
            sb.append(", credential=***");
        }
        if (timers != null) {
            sb.append(", timers=").append(timers);
        }
        return sb.append(']').toString();
    }
}
