package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StringPreparation;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithmAttribute;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.UserHash;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunCredentialException;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The long-term credential state for one TURN server (RFC 8489 §9.2): realm, nonce, the password algorithm and the
 * key derived from them, and whether the request carries USERNAME or USERHASH. Immutable; built from the 401 or
 * 438 challenge of the server, or from the REALM and NONCE of a 300.
 *
 * <p>Algorithm choice (RFC 8489 §9.2.4 and §9.2.5): when the NONCE starts with the security-feature cookie
 * {@code "obMatJos2"} and its "password algorithms" bit is set, the server must list PASSWORD-ALGORITHMS; the client
 * picks SHA-256 when offered, else MD5, echoes the list and the choice, and signs with MESSAGE-INTEGRITY-SHA256.
 * Otherwise MD5, MESSAGE-INTEGRITY and no algorithm attribute. The "username anonymity" bit makes the request carry
 * USERHASH instead of USERNAME.
 */
public final class TurnAuth {

    /**
     * How the message of the exception suppressed in an {@link StunTransportException.ErrorResponse} starts when the
     * response was a challenge that could not be answered, e.g. {@code "cannot answer the 401 challenge: it has no
     * REALM"}.
     */
    public static final String CANNOT_ANSWER = "cannot answer the ";

    /** The prefix of a NONCE that carries STUN security features (RFC 8489 §9.2). */
    static final String NONCE_COOKIE = "obMatJos2";
    /** Bit 0 of the security features, the most significant of the 24: the server supports PASSWORD-ALGORITHMS. */
    static final int PASSWORD_ALGORITHMS_FEATURE = 1 << 23;
    /** Bit 1 of the security features: the server wants USERHASH instead of USERNAME. */
    static final int USERNAME_ANONYMITY_FEATURE = 1 << 22;

    private static final int COOKIE_FEATURES_LENGTH = 4;

    private final String realm;
    private final String nonce;
    private final PasswordAlgorithm algorithm;
    private final List<AlgorithmEntry> offered;
    private final boolean anonymous;
    private final String username;
    private final byte[] userHash;
    private final byte[] key;

    private TurnAuth(String realm, String nonce, PasswordAlgorithm algorithm, List<AlgorithmEntry> offered,
            boolean anonymous, StunCredentials credentials) {
        this.realm = realm;
        this.nonce = nonce;
        this.algorithm = algorithm;
        this.offered = offered;
        this.anonymous = anonymous;
        this.username = anonymous ? null : credentials.preparedUsername(StringPreparation.defaultFor(algorithm));
        this.userHash = anonymous ? credentials.userHash(realm) : null;
        this.key = credentials.longTermKey(realm, algorithm);
    }

    /**
     * Build the credential state that answers {@code challenge}, a 401 or 438 error response or a 300 carrying REALM
     * and NONCE. A challenge without REALM reuses the realm of {@code previous}.
     *
     * @throws StunTransportException.ErrorResponse with the challenge's code and reason when it cannot be answered:
     *         no NONCE, no REALM (and no previous one), the cookie announces PASSWORD-ALGORITHMS but the attribute is
     *         missing (a downgrade, RFC 8489 §9.2.5), the list offers neither MD5 nor SHA-256, or the credentials
     *         cannot be prepared for this realm (an empty username or credential, a string the preparation rejects):
     *         the challenge is then the outcome, as a server answers a wrong password
     */
    static TurnAuth fromChallenge(StunCredentials credentials, StunMessage challenge, TurnAuth previous) {
        Objects.requireNonNull(credentials, "credentials");
        String nonce = challenge.attribute(Nonce.class).map(Nonce::value).orElse(null);
        String realm = challenge.attribute(Realm.class).map(Realm::value)
                .orElse(previous != null ? previous.realm : null);
        if (nonce == null || realm == null) {
            throw reject(challenge, nonce == null ? "it has no NONCE" : "it has no REALM");
        }
        int features = securityFeatures(nonce);
        PasswordAlgorithm algorithm = PasswordAlgorithm.MD5;
        List<AlgorithmEntry> offered = null;
        if ((features & PASSWORD_ALGORITHMS_FEATURE) != 0) {
            offered = challenge.attribute(PasswordAlgorithms.class).map(PasswordAlgorithms::algorithms)
                    .orElseThrow(() -> reject(challenge,
                            "its NONCE announces PASSWORD-ALGORITHMS but the attribute is missing"));
            algorithm = choose(offered);
            if (algorithm == null) {
                throw reject(challenge, "PASSWORD-ALGORITHMS offers neither MD5 nor SHA-256: " + offered);
            }
        }
        try {
            return new TurnAuth(realm, nonce, algorithm, offered, (features & USERNAME_ANONYMITY_FEATURE) != 0,
                    credentials);
        } catch (StunCredentialException unusable) {
            // e.g. the empty username or credential browsers accept: the request went out, the server's answer stands
            throw reject(challenge, "the configured credentials cannot answer it: " + unusable.getMessage());
        }
    }

    /**
     * Return the 24 security-feature bits of a NONCE that starts with {@link #NONCE_COOKIE} followed by four base64
     * characters, or 0 when the NONCE has no (well-formed) cookie.
     */
    static int securityFeatures(String nonce) {
        if (!nonce.startsWith(NONCE_COOKIE) || nonce.length() < NONCE_COOKIE.length() + COOKIE_FEATURES_LENGTH) {
            return 0;
        }
        byte[] bits;
        try {
            bits = Base64.getDecoder().decode(
                    nonce.substring(NONCE_COOKIE.length(), NONCE_COOKIE.length() + COOKIE_FEATURES_LENGTH));
        } catch (IllegalArgumentException notBase64) {
            return 0;
        }
        return (bits[0] & 0xFF) << 16 | (bits[1] & 0xFF) << 8 | bits[2] & 0xFF;
    }

    private static PasswordAlgorithm choose(List<AlgorithmEntry> offered) {
        boolean md5 = false;
        for (AlgorithmEntry entry : offered) {
            PasswordAlgorithm known = entry.algorithm().orElse(null);
            if (known == PasswordAlgorithm.SHA256) {
                return PasswordAlgorithm.SHA256;
            }
            md5 |= known == PasswordAlgorithm.MD5;
        }
        return md5 ? PasswordAlgorithm.MD5 : null;
    }

    private static StunTransportException.ErrorResponse reject(StunMessage challenge, String why) {
        ErrorCode error = challenge.attribute(ErrorCode.class).orElseThrow();
        StunTransportException.ErrorResponse failure =
                new StunTransportException.ErrorResponse(error.code(), error.reasonPhrase(), challenge);
        failure.addSuppressed(new IllegalArgumentException(CANNOT_ANSWER + error.code() + " challenge: " + why));
        return failure;
    }

    /** Append USERNAME or USERHASH, REALM, NONCE and, when negotiated, PASSWORD-ALGORITHMS and PASSWORD-ALGORITHM. */
    StunMessage.Builder addTo(StunMessage.Builder builder) {
        builder.add(anonymous ? new UserHash(userHash) : new Username(username));
        builder.add(new Realm(realm)).add(new Nonce(nonce));
        if (offered != null) {
            builder.add(new PasswordAlgorithms(offered)).add(PasswordAlgorithmAttribute.of(algorithm));
        }
        return builder;
    }

    /** Return the options that sign a request with this key (MESSAGE-INTEGRITY-SHA256 when negotiated) and FINGERPRINT. */
    StunEncodeOptions encodeOptions() {
        StunEncodeOptions options = StunEncodeOptions.defaults().fingerprint(true);
        return offered != null ? options.messageIntegritySha256(key) : options.messageIntegrity(key);
    }

    /** Return a copy of the long-term key. */
    byte[] key() {
        return key.clone();
    }

    /** Return the realm. */
    String realm() {
        return realm;
    }

    /** Return the nonce. */
    String nonce() {
        return nonce;
    }

    /** Return the password algorithm of the key. */
    PasswordAlgorithm algorithm() {
        return algorithm;
    }

    /** Return whether requests carry USERHASH instead of USERNAME. */
    boolean anonymous() {
        return anonymous;
    }

    /** Return whether the algorithm was negotiated with PASSWORD-ALGORITHMS (and requests use MESSAGE-INTEGRITY-SHA256). */
    boolean negotiated() {
        return offered != null;
    }

    /** Return {@code TurnAuth[realm=…, nonce=…, algorithm=…, …]}, never the key. */
    @Override
    public String toString() {
        return "TurnAuth[realm=" + realm + ", nonce=" + nonce + ", algorithm=" + algorithm + ", negotiated="
                + negotiated() + ", userhash=" + anonymous + "]";
    }
}
