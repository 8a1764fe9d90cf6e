package io.iceflux;

import io.iceflux.InvalidIceServerException.Part;
import java.time.Clock;
import java.time.Duration;
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
 * {@code turns:}, the username and credential must be present (W3C {@code InvalidAccessError}); the empty string is
 * present, as web-platform-tests' {@code RTCConfiguration-iceServers.html} has it (a server then answers the
 * Allocate with its 401; {@link #lint()} warns).
 * A username or credential that is given, on any server, must be valid Unicode without control characters and
 * fewer than {@value #MAX_CREDENTIAL_BYTES_EXCLUSIVE} bytes in UTF-8 (RFC 8489 §14.3). Credentials on a
 * stun-only server are kept, as browsers do, though STUN Binding requests do not use them.
 *
 * <p>A server made with {@link #withSharedSecret} holds a TURN REST shared secret instead of a username and
 * credential: each gathering mints fresh {@link TurnRestCredentials} from it ({@link #withCredentialsAt(Clock)}).
 *
 * <p>{@link #toString()} shows the credential and a shared secret as {@code ***}; no exception message ever
 * contains them.
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
    private final SharedSecret sharedSecret;

    /** A TURN REST shared secret, the user id and the TTL of the credentials minted from it. */
    private record SharedSecret(String secret, String user, Duration ttl) {
        @Override
        public String toString() {
            return "sharedSecret=***, restUser=" + user + ", ttl=" + ttl;
        }
    }

    private IceServer(List<String> urls, List<IceServerUrl> parsedUrls, String username, String credential,
                      StunTimers timers, SharedSecret sharedSecret) {
        this.urls = urls;
        this.parsedUrls = parsedUrls;
        this.username = username;
        this.credential = credential;
        this.timers = timers;
        this.sharedSecret = sharedSecret;
    }

    /**
     * Create a server whose credentials are minted from a TURN REST shared secret (coturn's
     * {@code static-auth-secret}) for each gathering: {@link #username()} and {@link #credential()} are empty, and
     * {@link #withCredentialsAt(Clock)} (which the gatherer calls when a gathering starts, with
     * {@link IceConfiguration#clock()}) returns the server with fresh {@link TurnRestCredentials}.
     *
     * @param secret the shared secret; not empty
     * @param user   the REST user id after the expiry in the username; may be empty
     * @param ttl    how long each minted credential is valid; positive
     * @throws IceServerSyntaxException as {@link #of(List, String, String)} for the URL list
     * @throws IllegalArgumentException for an empty secret, a TTL that is not positive, or an unusable user id
     * @throws NullPointerException     for a {@code null} secret, user or TTL
     */
    public static IceServer withSharedSecret(List<String> urls, String secret, String user, Duration ttl) {
        TurnRestCredentials.checkSecretAndUser(secret, user);
        // mint once now only to validate the user and TTL; what is minted is thrown away
        TurnRestCredentials.mint(secret, user, ttl, Clock.systemUTC());
        IceServer checked = of(urls, null, null, true);
        return new IceServer(checked.urls, checked.parsedUrls, null, null, null, new SharedSecret(secret, user, ttl));
    }

    /** Whether this server mints its credentials from a shared secret ({@link #withSharedSecret}). */
    public boolean usesSharedSecret() {
        return sharedSecret != null;
    }

    /**
     * Return this server with credentials minted from its shared secret at {@code clock.instant()}, or this
     * server itself when it has no shared secret. The copy keeps the URLs and timers and has no shared secret.
     */
    public IceServer withCredentialsAt(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (sharedSecret == null) {
            return this;
        }
        TurnRestCredentials minted = TurnRestCredentials.mint(sharedSecret.secret(), sharedSecret.user(),
                sharedSecret.ttl(), clock);
        return new IceServer(urls, parsedUrls, minted.username(), minted.password(), timers, null);
    }

    /** Check a username as {@link #of(List, String, String)} does, with an {@link IllegalArgumentException}. */
    static void checkUsername(String username) {
        try {
            checkOpaque("turn:turn-rest-username", Part.USERNAME, username);
        } catch (IceServerCredentialsException e) {
            throw new IllegalArgumentException(e.getMessage().replace(
                    "invalid ICE server credentials for \"turn:turn-rest-username\": ", "invalid TURN REST username: "));
        }
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
     * @throws IceServerCredentialsException for a missing ({@code null}) username or credential with a turn/turns
     *                                       URL, or a username or credential with a control character, an
     *                                       unpaired surrogate, or {@value #MAX_CREDENTIAL_BYTES_EXCLUSIVE}
     *                                       or more bytes in UTF-8
     */
    public static IceServer of(List<String> urls, String username, String credential) {
        return of(urls, username, credential, false);
    }

    private static IceServer of(List<String> urls, String username, String credential, boolean sharedSecret) {
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
        if (turnUrl != null && !sharedSecret) {
            if (username == null) {
                throw credentialsError(turnUrl, Part.USERNAME,
                        "the username is missing; a turn: or turns: URL needs a username and a credential");
            }
            if (credential == null) {
                throw credentialsError(turnUrl, Part.CREDENTIAL,
                        "the credential is missing; a turn: or turns: URL needs a username and a credential");
            }
        }
        String subject = turnUrl != null ? turnUrl : given.get(0);
        if (username != null) {
            checkOpaque(subject, Part.USERNAME, username);
        }
        if (credential != null) {
            checkOpaque(subject, Part.CREDENTIAL, credential);
        }
        return new IceServer(List.copyOf(given), List.copyOf(parsed), username, credential, null, null);
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

    /**
     * Return what this server's configuration does that browsers accept but is unusual or will not work as it reads:
     * every URL's {@link IceServerUrl#lint()}, in order, then an empty username or credential on a server with a
     * turn/turns URL (Chrome rejects those, and the current webrtc-pc text asks for a credential that conforms to
     * the OpaqueString profile, which an empty one does not). Opt-in: nothing here is an error.
     */
    public List<IceServerUrl.Warning> lint() {
        List<IceServerUrl.Warning> out = new ArrayList<>();
        for (IceServerUrl url : parsedUrls) {
            out.addAll(url.lint());
        }
        String turnUrl = parsedUrls.stream().filter(u -> u.scheme().isTurn()).map(IceServerUrl::url)
                .findFirst().orElse(null);
        if (turnUrl != null && "".equals(username)) {
            out.add(new IceServerUrl.Warning(IceServerUrl.Warning.Kind.EMPTY_USERNAME, turnUrl, "ICE server "
                    + IceServerUrl.quote(turnUrl, 256) + ": the username is empty; Chrome rejects it "
                    + "(InvalidAccessError), and a TURN server answers 401"));
        }
        if (turnUrl != null && "".equals(credential)) {
            out.add(new IceServerUrl.Warning(IceServerUrl.Warning.Kind.EMPTY_CREDENTIAL, turnUrl, "ICE server "
                    + IceServerUrl.quote(turnUrl, 256) + ": the credential is empty; Chrome and Firefox reject it "
                    + "(InvalidAccessError), and a TURN server answers 401"));
        }
        return List.copyOf(out);
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
        return new IceServer(urls, parsedUrls, username, credential, timers, sharedSecret);
    }

    /** Return a copy without a timer override, so that the configuration's timers apply. */
    public IceServer withoutTimers() {
        return timers == null ? this : new IceServer(urls, parsedUrls, username, credential, null, sharedSecret);
    }

    /** Compare the URLs as given, username, credential, timers and shared secret. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IceServer s
                && urls.equals(s.urls)
                && Objects.equals(username, s.username)
                && Objects.equals(credential, s.credential)
                && Objects.equals(timers, s.timers)
                && Objects.equals(sharedSecret, s.sharedSecret);
    }

    /** Hash the URLs as given, username, credential, timers and shared secret. */
    @Override
    public int hashCode() {
        return Objects.hash(urls, username, credential, timers, sharedSecret);
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
        if (sharedSecret != null) {
            sb.append(", ").append(sharedSecret);
        }
        if (timers != null) {
            sb.append(", timers=").append(timers);
        }
        return sb.append(']').toString();
    }
}
