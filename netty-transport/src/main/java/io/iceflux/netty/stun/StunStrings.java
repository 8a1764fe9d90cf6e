package io.iceflux.netty.stun;

import com.ongres.saslprep.SASLprep;
import com.ongres.stringprep.Profile;
import com.ongres.stringprep.Tables;
import io.iceflux.netty.stun.StunCredentialException.Field;
import io.iceflux.netty.stun.StunCredentialException.Rule;
import java.text.Normalizer;
import java.util.Objects;

/**
 * Prepares usernames, realms and passwords for STUN with SASLprep (RFC 4013) or the OpaqueString profile
 * (RFC 8265 §4.2). Every method is thread-safe and fails with {@link StunCredentialException}.
 */
public final class StunStrings {

    private static final Profile SASLPREP = new SASLprep();

    private StunStrings() {
    }

    /**
     * Prepares {@code value} with SASLprep (RFC 4013) as a query string; see {@link #saslPrep(String, Field)}.
     *
     * @throws StunCredentialException (field {@link Field#STRING}) if SASLprep rejects the string
     * @throws NullPointerException if {@code value} is null
     */
    public static String saslPrep(String value) {
        return saslPrep(value, Field.STRING);
    }

    /**
     * Prepares {@code value} with SASLprep (RFC 4013), the stringprep (RFC 3454) profile that STUN used before
     * RFC 8489.
     *
     * <p>Steps: map table B.1 to nothing (e.g. SOFT HYPHEN, ZERO WIDTH SPACE); map non-ASCII spaces (table
     * C.1.2) to U+0020; normalize with NFKC; reject the prohibited tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5,
     * C.6, C.7, C.8 and C.9; check the bidirectional rules of RFC 3454 §6. Unassigned code points are
     * <em>allowed</em> (RFC 3454 §7 "query" strings): the string is a password or name the user configured,
     * not a value stored by a server, and "stored" rules would reject everything added to Unicode after
     * version 3.2, such as emoji. Approximation: NFKC is the JDK's, which follows a newer Unicode version than
     * the 3.2 that stringprep pins; results differ only for the five CJK compatibility ideographs whose
     * decomposition Unicode Corrigendum #4 corrected, and for characters added after 3.2 that have a
     * compatibility decomposition (stringprep, seeing them as unassigned, would leave them alone). The work is
     * done by {@code com.ongres.stringprep:saslprep}; its exceptions are replaced by ours.
     *
     * <p>An empty string, or one that consists only of characters mapped to nothing, prepares to {@code ""};
     * callers that need a non-empty result check for it.
     *
     * @param field which string {@code value} is, for the exception message
     * @throws StunCredentialException with rule {@link Rule#PROHIBITED_CHARACTER} or {@link Rule#BIDI}
     * @throws NullPointerException if an argument is null
     */
    public static String saslPrep(String value, Field field) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(field, "field");
        if (isPrintableAscii(value)) {
            return value; // nothing in U+0020..U+007E is mapped, normalized differently, prohibited or RandALCat
        }
        if (value.codePoints().allMatch(Tables::mapToNothing)) {
            return "";
        }
        try {
            return SASLPREP.prepareQuery(value);
        } catch (IllegalArgumentException e) {
            throw saslPrepFailure(field, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Whether every character is printable ASCII (U+0020 to U+007E): the common case of a configured credential,
     * which both preparations leave as it is (the fast path; StunStringsPropertiesTest checks it against the full
     * preparation).
     */
    private static boolean isPrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static StunCredentialException saslPrepFailure(Field field, String libraryMessage) {
        Rule rule;
        String what;
        if (libraryMessage.contains("RandALCat")) {
            rule = Rule.BIDI;
            what = "breaks the bidirectional rules of RFC 3454 §6 (RandALCat text must not mix with LCat"
                    + " and must start and end with RandALCat)";
        } else {
            rule = Rule.PROHIBITED_CHARACTER;
            what = "contains a character prohibited by RFC 4013 §2.3 (" + prohibitedTable(libraryMessage) + ")";
        }
        String detail = field.secret() ? "" : " [" + libraryMessage + "]";
        return new StunCredentialException(field, rule, "SASLprep: the string " + what + detail);
    }

    private static String prohibitedTable(String libraryMessage) {
        String m = libraryMessage.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("non-ascii space")) {
            return "RFC 3454 table C.1.2, non-ASCII space";
        } else if (m.contains("non-ascii control")) {
            return "RFC 3454 table C.2.2, non-ASCII control character";
        } else if (m.contains("ascii control")) {
            return "RFC 3454 table C.2.1, ASCII control character";
        } else if (m.contains("private use")) {
            return "RFC 3454 table C.3, private use character";
        } else if (m.contains("non-character")) {
            return "RFC 3454 table C.4, non-character code point";
        } else if (m.contains("surrogate")) {
            return "RFC 3454 table C.5, surrogate code point";
        } else if (m.contains("plain text")) {
            return "RFC 3454 table C.6, character inappropriate for plain text";
        } else if (m.contains("non-canonical")) {
            return "RFC 3454 table C.7, character inappropriate for canonical representation";
        } else if (m.contains("control character")) {
            return "RFC 3454 table C.8, character that changes display properties or is deprecated";
        } else if (m.contains("tagging")) {
            return "RFC 3454 table C.9, tagging character";
        }
        return "one of RFC 3454 tables C.1.2 to C.9";
    }

    /**
     * Prepares {@code value} with the OpaqueString profile; see {@link #opaqueString(String, Field)}.
     *
     * @throws StunCredentialException (field {@link Field#STRING}) if the profile rejects the string
     * @throws NullPointerException if {@code value} is null
     */
    public static String opaqueString(String value) {
        return opaqueString(value, Field.STRING);
    }

    /**
     * Prepares {@code value} with the OpaqueString profile of RFC 8265 §4.2, the PRECIS preparation RFC 8489
     * requires for usernames, realms and passwords.
     *
     * <p>Rules, in the order of RFC 8264 §7: no width mapping; every non-ASCII space (general category Zs
     * other than U+0020) maps to U+0020; no case mapping; NFC; no directionality rule. Then every code point
     * must be valid in the FreeformClass of RFC 8264 §4.3 (derived property algorithm of RFC 8264 §8: the
     * exceptions of RFC 5892 §2.6, old Hangul jamo, default-ignorable code points, non-characters, controls,
     * format characters, private use, surrogates and line/paragraph separators are disallowed, and
     * unassigned code points are rejected), CONTEXTJ and CONTEXTO code points must satisfy their rule from
     * RFC 5892 Appendix A, and the result must not be empty.
     *
     * <p>Approximations, all from the JDK lacking Unicode data: Unicode properties (general category,
     * script, unassigned, normalization) are those of the running JDK (Java 17: Unicode 13), as PRECIS
     * intends; the Default_Ignorable_Code_Point set is a built-in copy of Unicode 15's list; and the
     * Joining_Type part of the ZERO WIDTH NON-JOINER rule is approximated by "the nearest non-mark code points
     * on both sides are letters of a cursive joining script (Arabic, Syriac, N'Ko, Mongolian, …)", which
     * accepts a few strings the exact rule rejects (e.g. after a right-joining letter such as ALEF). The
     * virama part of the ZWJ/ZWNJ rules is exact.
     *
     * @param field which string {@code value} is, for the exception message
     * @throws StunCredentialException with rule {@link Rule#EMPTY}, {@link Rule#DISALLOWED_CHARACTER},
     *         {@link Rule#UNASSIGNED_CHARACTER} or {@link Rule#CONTEXT_RULE}
     * @throws NullPointerException if an argument is null
     */
    public static String opaqueString(String value, Field field) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(field, "field");
        if (!value.isEmpty() && isPrintableAscii(value)) {
            return value; // printable ASCII is in the IdentifierClass/FreeformClass and is its own NFC
        }
        StringBuilder mapped = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> {
            if (cp != ' ' && Character.getType(cp) == Character.SPACE_SEPARATOR) {
                mapped.append(' ');
            } else {
                mapped.appendCodePoint(cp);
            }
        });
        String prepared = Normalizer.normalize(mapped, Normalizer.Form.NFC);
        if (prepared.isEmpty()) {
            throw new StunCredentialException(field, Rule.EMPTY,
                    "OpaqueString: the string is empty (RFC 8265 §4.2.2 requires at least one character)");
        }
        FreeformClass.check(prepared, field);
        return prepared;
    }
}
