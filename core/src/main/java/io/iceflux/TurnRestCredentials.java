package io.iceflux;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials of the TURN REST API (draft-uberti-behave-turn-rest-00; coturn's
 * {@code use-auth-secret} / {@code static-auth-secret}), minted from a secret shared with the TURN server:
 * the username is {@code <expiry>:<user>} (the expiry in Unix seconds), the password is
 * {@code base64(HMAC-SHA1(secret, username))}. With an empty user the username is the expiry alone, which coturn
 * accepts as well. Immutable: the secret is used to compute the password and not kept.
 *
 * <pre>{@code
 * TurnRestCredentials minted = TurnRestCredentials.mint(secret, "alice", Duration.ofHours(1), Clock.systemUTC());
 * // hand minted.username() / minted.password() to a browser, or use minted.iceServer(urls)
 * }</pre>
 *
 * <p>The secret never appears in {@link #toString()} or in an exception message; the password shows as
 * {@code ***}.
 */
public final class TurnRestCredentials {

    /** The TTL the draft suggests and the probe uses by default: one day. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);

    private final String username;
    private final String password;
    private final Instant expiresAt;

    private TurnRestCredentials(String username, String password, Instant expiresAt) {
        this.username = username;
        this.password = password;
        this.expiresAt = expiresAt;
    }

    /**
     * Mint credentials valid until {@code clock.instant() + ttl} (whole seconds, rounded down).
     *
     * @param secret the shared secret (coturn's {@code static-auth-secret}), as its UTF-8 bytes; not empty
     * @param user   the user id after the expiry; may be empty (then the username is the expiry alone)
     * @param ttl    how long the credentials are valid; positive
     * @param clock  the clock that says when they are minted
     * @throws IllegalArgumentException for an empty secret, a TTL that is not positive, or a user that makes an
     *                                  unusable username (a control character, an unpaired surrogate, too long)
     * @throws NullPointerException     for a {@code null} argument
     */
    public static TurnRestCredentials mint(String secret, String user, Duration ttl, Clock clock) {
        checkSecretAndUser(secret, user);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the TURN REST TTL must be positive, not " + ttl);
        }
        Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
        String username = user.isEmpty() ? Long.toString(expiresAt.getEpochSecond())
                : expiresAt.getEpochSecond() + ":" + user;
        IceServer.checkUsername(username);
        return new TurnRestCredentials(username, hmacSha1Base64(secret, username), expiresAt);
    }

    static void checkSecretAndUser(String secret, String user) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(user, "user");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the TURN REST shared secret is empty");
        }
    }

    private static String hmacSha1Base64(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // every Java platform has HmacSHA1; say nothing of the key
            throw new IllegalStateException("HMAC-SHA1 is not available: " + e.getClass().getName());
        }
    }

    /**
     * The expiry a TURN REST username starts with ({@code 1700000000:alice} or {@code 1700000000}), if it starts
     * with one: the digits before the first {@code ':'} or the whole username.
     */
    public static Optional<Instant> expiryOf(String username) {
        if (username == null) {
            return Optional.empty();
        }
        int colon = username.indexOf(':');
        String digits = colon < 0 ? username : username.substring(0, colon);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(digits)));
    }

    /** The username: {@code <expiry>:<user>}, or {@code <expiry>} for an empty user. */
    public String username() {
        return username;
    }

    /** The password: {@code base64(HMAC-SHA1(secret, username))}. */
    public String password() {
        return password;
    }

    /** When the credentials expire (the expiry in the username). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * A server with these credentials, e.g. for one gathering.
     *
     * @throws IceServerSyntaxException for a bad URL list (see {@link IceServer#of(List, String, String)})
     */
    public IceServer iceServer(List<String> urls) {
        return IceServer.of(urls, username, password);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TurnRestCredentials c && username.equals(c.username) && password.equals(c.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, password);
    }

    /** Show the username and the expiry; the password shows as {@code ***}. */
    @Override
    public String toString() {
        return "TurnRestCredentials[username=" + username + ", password=***, expiresAt=" + expiresAt + "]";
    }
}
