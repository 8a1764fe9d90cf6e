package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * The two string preparations STUN has used for usernames, realms and passwords: SASLprep (RFC 4013, named by
 * RFC 5389) and the OpaqueString profile of PRECIS (RFC 8265 §4.2, named by RFC 8489).
 *
 * <p>They agree on printable ASCII, where both are the identity. They differ elsewhere: SASLprep removes
 * characters such as SOFT HYPHEN and applies NFKC (so {@code ª} becomes {@code a} and {@code Ⅸ} becomes
 * {@code IX}); OpaqueString applies only NFC and rejects SOFT HYPHEN and other default-ignorable code points.
 */
public enum StringPreparation {
    /** SASLprep, RFC 4013, for query strings; see {@link StunStrings#saslPrep(String)}. */
    SASLPREP,
    /** The OpaqueString profile, RFC 8265 §4.2; see {@link StunStrings#opaqueString(String)}. */
    OPAQUE_STRING;

    /**
     * Prepares {@code value} with this preparation.
     *
     * @param field which string {@code value} is, for the exception message
     * @throws StunCredentialException if the preparation rejects the string (a SASLprep result may be empty;
     *         an OpaqueString result never is)
     * @throws NullPointerException if an argument is null
     */
    public String prepare(String value, StunCredentialException.Field field) {
        return switch (this) {
            case SASLPREP -> StunStrings.saslPrep(value, field);
            case OPAQUE_STRING -> StunStrings.opaqueString(value, field);
        };
    }

    /**
     * Returns the preparation IceFlux uses by default for long-term keys of {@code algorithm}: SASLprep for
     * {@link PasswordAlgorithm#MD5} (the RFC 5389 key, and the only one the RFC 5769 §2.4 test vector
     * verifies with) and OpaqueString for {@link PasswordAlgorithm#SHA256} (RFC 8489 §9.2.2).
     *
     * @throws NullPointerException if {@code algorithm} is null
     */
    public static StringPreparation defaultFor(PasswordAlgorithm algorithm) {
        return switch (Objects.requireNonNull(algorithm, "algorithm")) {
            case MD5 -> SASLPREP;
            case SHA256 -> OPAQUE_STRING;
        };
    }
}
