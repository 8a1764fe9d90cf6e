package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * Thrown when a username, realm or password cannot be prepared for STUN: a string preparation (SASLprep of
 * RFC 4013 or the OpaqueString profile of RFC 8265) rejects it, or nothing is left after preparation.
 *
 * <p>{@link #field()} says which string is at fault and {@link #rule()} which rule it breaks; the message says
 * both in words. The message never contains a password or any character of it: for {@link Field#PASSWORD}
 * and {@link Field#STRING} it names only the rule, for a username or realm it also names the offending
 * character. No cause is attached, because the underlying library's messages quote the offending character.
 */
public final class StunCredentialException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which string was being prepared. */
    public enum Field {
        /** A username (USERNAME attribute, long-term or short-term credentials). */
        USERNAME("username", false),
        /** A realm (REALM attribute). */
        REALM("realm", false),
        /** A password; never quoted in a message. */
        PASSWORD("password", true),
        /**
         * A string prepared on its own through {@link StunStrings#saslPrep(String)} or
         * {@link StunStrings#opaqueString(String)}, whose role is unknown; treated as secret, never quoted.
         */
        STRING("string", true);

        private final String label;
        private final boolean secret;

        Field(String label, boolean secret) {
            this.label = label;
            this.secret = secret;
        }

        /** Returns the lower-case name used at the start of exception messages, e.g. {@code "password"}. */
        public String label() {
            return label;
        }

        /** Returns whether messages about this field must not quote any of its characters. */
        public boolean secret() {
            return secret;
        }
    }

    /** Which rule the string breaks. */
    public enum Rule {
        /** Nothing is left after preparation (or the string was empty to begin with). */
        EMPTY,
        /** SASLprep: a code point in one of the prohibited tables of RFC 4013 §2.3 (RFC 3454 C.1.2–C.9). */
        PROHIBITED_CHARACTER,
        /** SASLprep: the bidirectional rules of RFC 3454 §6 (RFC 4013 §2.4) are broken. */
        BIDI,
        /** OpaqueString: a code point the FreeformClass of RFC 8264 §4.3 classifies as DISALLOWED. */
        DISALLOWED_CHARACTER,
        /** OpaqueString: a code point that is unassigned in the Unicode version of the running JDK. */
        UNASSIGNED_CHARACTER,
        /**
         * OpaqueString: a CONTEXTJ or CONTEXTO code point (e.g. ZERO WIDTH JOINER, MIDDLE DOT) whose context
         * rule of RFC 5892 Appendix A is not satisfied.
         */
        CONTEXT_RULE
    }

    private final Field field;
    private final Rule rule;

    /**
     * Creates the exception; the message is {@code "<field label>: <description>"}.
     *
     * @throws NullPointerException if an argument is null
     */
    public StunCredentialException(Field field, Rule rule, String description) {
        super(Objects.requireNonNull(field, "field").label() + ": " + Objects.requireNonNull(description,
                "description"));
        this.field = field;
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** Returns which string was rejected. */
    public Field field() {
        return field;
    }

    /** Returns which rule the string breaks. */
    public Rule rule() {
        return rule;
    }
}
