package io.iceflux.netty.stun;

import io.iceflux.netty.stun.StunCredentialException.Field;
import io.iceflux.netty.stun.StunCredentialException.Rule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A username and password for a STUN or TURN server, and the keys derived from them: the short-term key
 * (RFC 8489 §9.1.1), the long-term key (RFC 8489 §9.2.2, RFC 5389 §15.4) and the USERHASH value (RFC 8489
 * §14.4).
 *
 * <p>Typical use by a TURN client: keep one {@code StunCredentials} per server; on a 401 carrying REALM,
 * NONCE and maybe PASSWORD-ALGORITHMS, pick the algorithm, call {@link #longTermKey(String, PasswordAlgorithm)}
 * and, if the server asked for it, {@link #userHash(String)}, and sign the retried request with the key. The
 * same work is available as static functions for callers that hold the strings themselves.
 *
 * <p>Immutable and thread-safe. The password is never returned, logged or shown by {@link #toString()}. Every
 * key is a fresh array the caller owns and may zero; the intermediate {@code username:realm:password} bytes
 * are zeroed after hashing (the {@code String}s themselves cannot be).
 */
public final class StunCredentials {

    private static final byte COLON = ':';

    private final String username;
    private final String password;

    private StunCredentials(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /**
     * Returns credentials holding {@code username} and {@code password} as given; they are prepared only when
     * a key is derived, because the preparation depends on the algorithm the server picks. Empty strings are held
     * too (browsers accept an empty TURN username and credential): deriving a key or the USERNAME value from them
     * throws a {@link StunCredentialException} with rule {@link Rule#EMPTY}.
     *
     * @throws NullPointerException if either string is null
     */
    public static StunCredentials of(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new StunCredentials(username, password);
    }

    /** Returns the username as given to {@link #of(String, String)}, unprepared. */
    public String username() {
        return username;
    }

    /**
     * Returns the username prepared with {@code preparation}: the value of the USERNAME attribute when the
     * key is derived with the same preparation.
     *
     * @throws StunCredentialException if the preparation rejects the username or leaves nothing of it
     * @throws NullPointerException if {@code preparation} is null
     */
    public String preparedUsername(StringPreparation preparation) {
        return prepareNonEmpty(username, Field.USERNAME, Objects.requireNonNull(preparation, "preparation"));
    }

    /**
     * Returns the short-term key of this password; see {@link #shortTermKey(String)}.
     *
     * @throws StunCredentialException if OpaqueString rejects the password
     */
    public byte[] shortTermKey() {
        return shortTermKey(password);
    }

    /**
     * Returns the long-term key for {@code realm} with the default preparation of {@code algorithm}; see
     * {@link #longTermKey(String, String, String, PasswordAlgorithm)}.
     *
     * @throws StunCredentialException if a string is rejected by its preparation or is empty after it
     * @throws NullPointerException if an argument is null
     */
    public byte[] longTermKey(String realm, PasswordAlgorithm algorithm) {
        return longTermKey(username, realm, password, algorithm);
    }

    /**
     * Returns the long-term key for {@code realm} with an explicit preparation; see
     * {@link #longTermKey(String, String, String, PasswordAlgorithm, StringPreparation)}.
     *
     * @throws StunCredentialException if a string is rejected by its preparation or is empty after it
     * @throws NullPointerException if an argument is null
     */
    public byte[] longTermKey(String realm, PasswordAlgorithm algorithm, StringPreparation preparation) {
        return longTermKey(username, realm, password, algorithm, preparation);
    }

    /**
     * Returns the USERHASH value of this username for {@code realm}; see {@link #userHash(String, String)}.
     *
     * @throws StunCredentialException if OpaqueString rejects the username or the realm is empty
     * @throws NullPointerException if {@code realm} is null
     */
    public byte[] userHash(String realm) {
        return userHash(username, realm);
    }

    /**
     * Returns the short-term key of RFC 8489 §9.1.1: the UTF-8 bytes of {@code OpaqueString(password)}. For
     * printable ASCII passwords such as ICE's, this is just their ASCII bytes.
     *
     * @throws StunCredentialException if OpaqueString rejects the password (including an empty one)
     * @throws NullPointerException if {@code password} is null
     */
    public static byte[] shortTermKey(String password) {
        return StunStrings.opaqueString(password, Field.PASSWORD).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the long-term key of RFC 8489 §9.2.2 with the preparation IceFlux picks for {@code algorithm}
     * ({@link StringPreparation#defaultFor(PasswordAlgorithm)}): for {@link PasswordAlgorithm#MD5},
     * {@code MD5(SASLprep(username) ":" SASLprep(realm) ":" SASLprep(password))}, the RFC 5389 key that the
     * RFC 5769 §2.4 test vector verifies with; for {@link PasswordAlgorithm#SHA256},
     * {@code SHA-256(OpaqueString(username) ":" OpaqueString(realm) ":" OpaqueString(password))} as RFC 8489
     * specifies.
     *
     * <p>The username is prepared like the password: RFC 8489 uses the configured username after OpaqueString
     * processing and RFC 5389 after SASLprep; ASCII names are unchanged by either.
     *
     * @throws StunCredentialException if a string is rejected by its preparation or is empty after it
     * @throws NullPointerException if an argument is null
     */
    public static byte[] longTermKey(String username, String realm, String password, PasswordAlgorithm algorithm) {
        return longTermKey(username, realm, password, algorithm, StringPreparation.defaultFor(algorithm));
    }

    /**
     * Returns the long-term key {@code H(P(username) ":" P(realm) ":" P(password))}, where H is MD5 (16 bytes)
     * or SHA-256 (32 bytes) as {@code algorithm} says and P is {@code preparation} — for a server that
     * prepares strings differently from {@link StringPreparation#defaultFor(PasswordAlgorithm)}.
     *
     * @throws StunCredentialException if a string is rejected by the preparation or is empty after it (the
     *         message names the string and the rule, never the password)
     * @throws NullPointerException if an argument is null
     */
    public static byte[] longTermKey(String username, String realm, String password, PasswordAlgorithm algorithm,
            StringPreparation preparation) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(preparation, "preparation");
        byte[] u = prepareNonEmpty(username, Field.USERNAME, preparation).getBytes(StandardCharsets.UTF_8);
        byte[] r = prepareNonEmpty(realm, Field.REALM, preparation).getBytes(StandardCharsets.UTF_8);
        byte[] p = prepareNonEmpty(password, Field.PASSWORD, preparation).getBytes(StandardCharsets.UTF_8);
        byte[] input = join(u, r, p);
        try {
            return digest(algorithm == PasswordAlgorithm.MD5 ? "MD5" : "SHA-256", input);
        } finally {
            Arrays.fill(p, (byte) 0);
            Arrays.fill(input, (byte) 0);
        }
    }

    /**
     * Returns the USERHASH value of RFC 8489 §14.4: {@code SHA-256(OpaqueString(username) ":" realm)}, with
     * the realm used as received in the REALM attribute (the server already prepared it).
     *
     * @throws StunCredentialException if OpaqueString rejects the username, or the realm is empty
     * @throws NullPointerException if an argument is null
     */
    public static byte[] userHash(String username, String realm) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        if (realm.isEmpty()) {
            throw new StunCredentialException(Field.REALM, Rule.EMPTY, "the realm is empty");
        }
        byte[] u = StunStrings.opaqueString(username, Field.USERNAME).getBytes(StandardCharsets.UTF_8);
        return digest("SHA-256", join(u, realm.getBytes(StandardCharsets.UTF_8)));
    }

    private static String prepareNonEmpty(String value, Field field, StringPreparation preparation) {
        String prepared = preparation.prepare(value, field);
        if (prepared.isEmpty()) {
            throw new StunCredentialException(field, Rule.EMPTY,
                    (preparation == StringPreparation.SASLPREP ? "SASLprep" : "OpaqueString")
                            + ": nothing is left of the " + field.label() + " after preparation");
        }
        return prepared;
    }

    private static byte[] join(byte[]... parts) {
        int length = parts.length - 1;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out[at++] = COLON;
            }
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        return out;
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide " + algorithm, e);
        }
    }

    /**
     * Returns whether {@code other} holds the same username and password (compared as given, the password in
     * time independent of where it differs).
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof StunCredentials that)) {
            return false;
        }
        return username.equals(that.username) && MessageDigest.isEqual(
                password.getBytes(StandardCharsets.UTF_8), that.password.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a hash of the username only, so that the hash code reveals nothing about the password. */
    @Override
    public int hashCode() {
        return username.hashCode();
    }

    /** Returns {@code StunCredentials[username=<username>, password=***]}; the password is never shown. */
    @Override
    public String toString() {
        return "StunCredentials[username=" + username + ", password=***]";
    }
}
