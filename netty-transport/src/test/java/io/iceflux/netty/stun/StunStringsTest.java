package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.netty.stun.StunCredentialException.Field;
import io.iceflux.netty.stun.StunCredentialException.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StunStringsTest {

    /** RFC 4013 §3, the examples table (rows that prepare). */
    @ParameterizedTest(name = "SASLprep example {0}")
    @CsvSource({
        "'I\u00ADX', IX",       // 1: SOFT HYPHEN mapped to nothing
        "user, user",            // 2: no transformation
        "USER, USER",            // 3: case preserved, will not match #2
        "'\u00AA', a",          // 4: output is NFKC, input in ISO 8859-1
        "'\u2168', IX",         // 5: output is NFKC, will match #1
    })
    void saslPrepRfc4013Examples(String input, String expected) {
        assertThat(StunStrings.saslPrep(input)).isEqualTo(expected);
    }

    @Test
    void saslPrepRejectsTheRfc4013ProhibitedExample() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("\u0007"));
        assertThat(e.field()).isEqualTo(Field.STRING);
        assertThat(e.rule()).isEqualTo(Rule.PROHIBITED_CHARACTER);
        assertThat(e.getMessage()).isEqualTo("string: SASLprep: the string contains a character prohibited by"
                + " RFC 4013 §2.3 (RFC 3454 table C.2.1, ASCII control character)");
    }

    @Test
    void saslPrepRejectsTheRfc4013BidiExample() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("\u0627\u0031"));
        assertThat(e.field()).isEqualTo(Field.STRING);
        assertThat(e.rule()).isEqualTo(Rule.BIDI);
        assertThat(e.getMessage()).startsWith("string: SASLprep: the string breaks the bidirectional rules of"
                + " RFC 3454 §6");
    }

    @Test
    void saslPrepAcceptsRightToLeftTextThatStartsAndEndsRightToLeft() {
        assertThat(StunStrings.saslPrep("\u0627\u0031\u0628")).isEqualTo("\u0627\u0031\u0628");
    }

    @Test
    void saslPrepRejectsMixedLeftToRightAndRightToLeftText() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("a\u0627b"));
        assertThat(e.rule()).isEqualTo(Rule.BIDI);
    }

    @Test
    void saslPrepPreparesTheRfc5769Password() {
        assertThat(StunStrings.saslPrep("The\u00ADM\u00AAtr\u2168")).isEqualTo("TheMatrIX");
    }

    @Test
    void saslPrepMapsNonAsciiSpacesToSpace() {
        assertThat(StunStrings.saslPrep("a\u00A0b\u3000c\u2003d\u202Fe")).isEqualTo("a b c d e");
    }

    @Test
    void saslPrepMapsCommonlyMappedToNothingCharactersAway() {
        assertThat(StunStrings.saslPrep("a\u200Bb\uFEFFc\u034Fd")).isEqualTo("abcd");
    }

    @Test
    void saslPrepOfOnlyMappedToNothingCharactersIsEmpty() {
        assertThat(StunStrings.saslPrep("\u00AD\u200B")).isEmpty();
        assertThat(StunStrings.saslPrep("")).isEmpty();
    }

    @Test
    void saslPrepAllowsUnassignedCodePointsAsAQueryString() {
        // U+1F600 (emoji) was unassigned in Unicode 3.2, the version stringprep pins.
        assertThat(StunStrings.saslPrep("pw\uD83D\uDE00")).isEqualTo("pw\uD83D\uDE00");
    }

    @ParameterizedTest(name = "SASLprep rejects {1}")
    @CsvSource({
        "'\u0080', 'C.2.2, non-ASCII control'",
        "'\uE000', 'C.3, private use'",
        "'\uFDD0', 'C.4, non-character'",
        "'\uD800', 'C.5, surrogate'",
        "'\uFFFD', 'C.6, character inappropriate for plain text'",
        "'\u2FF0', 'C.7, character inappropriate for canonical'",
        "'\u200E', 'C.8, character that changes display'",
        "'\uDB40\uDC01', 'C.9, tagging'",
    })
    void saslPrepNamesTheProhibitedTable(String character, String table) {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("x" + character + "y", Field.USERNAME));
        assertThat(e.field()).isEqualTo(Field.USERNAME);
        assertThat(e.rule()).isEqualTo(Rule.PROHIBITED_CHARACTER);
        assertThat(e.getMessage()).startsWith("username: SASLprep: ").contains("RFC 3454 table " + table);
    }

    @Test
    void saslPrepQuotesTheOffendingCharacterOnlyForAUsernameOrRealm() {
        assertThat(catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("a\u0007", Field.REALM)).getMessage())
                .startsWith("realm: ").contains("0x0007");
        assertThat(catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.saslPrep("a\u0007", Field.PASSWORD)).getMessage())
                .startsWith("password: ").doesNotContain("0007").doesNotContain("a\u0007");
    }

    @Test
    void saslPrepRejectsNull() {
        assertThatThrownBy(() -> StunStrings.saslPrep(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StunStrings.saslPrep("a", null)).isInstanceOf(NullPointerException.class);
    }

    /** RFC 8265 §4.3, the OpaqueString examples that prepare. */
    @ParameterizedTest(name = "OpaqueString example {0}")
    @CsvSource({
        "'correct horse battery staple', 'correct horse battery staple'", // 12: ASCII space allowed
        "'Correct Horse Battery Staple', 'Correct Horse Battery Staple'", // 13: case kept
        "'\u03C0\u00DF\u00E5', '\u03C0\u00DF\u00E5'",                      // 14: non-ASCII letters
        "'Jack of \u2666s', 'Jack of \u2666s'",                            // 15: symbol allowed
        "'foo\u1680bar', 'foo bar'",                                       // 16: OGHAM SPACE MARK -> space
    })
    void opaqueStringRfc8265Examples(String input, String expected) {
        assertThat(StunStrings.opaqueString(input)).isEqualTo(expected);
    }

    @Test
    void opaqueStringRejectsTheRfc8265EmptyExample() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString(""));
        assertThat(e.field()).isEqualTo(Field.STRING);
        assertThat(e.rule()).isEqualTo(Rule.EMPTY);
        assertThat(e.getMessage()).isEqualTo("string: OpaqueString: the string is empty (RFC 8265 §4.2.2"
                + " requires at least one character)");
    }

    @Test
    void opaqueStringRejectsTheRfc8265ControlCharacterExample() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString("my cat is a \u0009by", Field.USERNAME));
        assertThat(e.field()).isEqualTo(Field.USERNAME);
        assertThat(e.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(e.getMessage()).isEqualTo("username: OpaqueString: the string contains a character the"
                + " FreeformClass disallows (RFC 8264 §4.3.3, control character) [U+0009 at code point index 12]");
    }

    @Test
    void opaqueStringComposesWithNfc() {
        assertThat(StunStrings.opaqueString("cafe\u0301")).isEqualTo("caf\u00E9");
        assertThat(StunStrings.opaqueString("\u1100\u1161")).isEqualTo("\uAC00"); // jamo compose to a syllable
    }

    @Test
    void opaqueStringKeepsCompatibilityCharactersAndWidth() {
        assertThat(StunStrings.opaqueString("\u00AA\u2168\uFF21\u01C5")).isEqualTo("\u00AA\u2168\uFF21\u01C5");
    }

    @Test
    void opaqueStringMapsIdeographicSpaceToSpace() {
        assertThat(StunStrings.opaqueString("a\u3000b\u00A0c")).isEqualTo("a b c");
    }

    @Test
    void opaqueStringOfOnlySpacesIsASpaceNotAnError() {
        assertThat(StunStrings.opaqueString("\u3000")).isEqualTo(" ");
    }

    @Test
    void opaqueStringRejectsTheRfc5769PasswordBecauseOfItsSoftHyphen() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString("The\u00ADM\u00AAtr\u2168", Field.PASSWORD));
        assertThat(e.field()).isEqualTo(Field.PASSWORD);
        assertThat(e.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(e.getMessage()).isEqualTo("password: OpaqueString: the string contains a character the"
                + " FreeformClass disallows (RFC 8264 §4.3.3, default-ignorable code point)");
    }

    @ParameterizedTest(name = "OpaqueString disallows {0} ({1})")
    @CsvSource({
        "'\u0000', control character",
        "'\u0085', control character",
        "'\uE000', private use character",
        "'\uFFFF', non-character",
        "'\uFDD0', non-character",
        "'\u1100', old Hangul jamo",
        "'\uA960', old Hangul jamo",
        "'\u200B', default-ignorable code point",
        "'\uFE0F', default-ignorable code point",
        "'\u0640', exception of RFC 5892 §2.6",
        "'\u3031', exception of RFC 5892 §2.6",
        "'\u0600', format character",
        "'\u2028', line or paragraph separator",
        "'\uD800', unpaired surrogate",
        "'\uDB40\uDC01', default-ignorable code point",
    })
    void opaqueStringDisallows(String character, String reason) {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString("x" + character, Field.REALM));
        assertThat(e.field()).isEqualTo(Field.REALM);
        assertThat(e.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(e.getMessage()).contains("(RFC 8264 §4.3.3, " + reason + ")")
                .contains(String.format("U+%04X at code point index 1", character.codePointAt(0)));
    }

    @Test
    void opaqueStringRejectsUnassignedCodePoints() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString("a\u0378", Field.USERNAME));
        assertThat(e.rule()).isEqualTo(Rule.UNASSIGNED_CHARACTER);
        assertThat(e.getMessage()).isEqualTo("username: OpaqueString: the string contains a code point unassigned"
                + " in Unicode (RFC 8264 §9.12) [U+0378 at code point index 1]");
    }

    @Test
    void opaqueStringAcceptsSymbolsPunctuationEmojiAndOtherScripts() {
        String s = "\u20AC\u00BF\u00BD\u2460\uD83D\uDE00\u30DE\u0416\u05D0\u0915";
        assertThat(StunStrings.opaqueString(s)).isEqualTo(s);
    }

    @ParameterizedTest(name = "OpaqueString context rule holds in {0}")
    @CsvSource({
        "'\u0915\u094D\u200D\u0937'",      // ZWJ after DEVANAGARI SIGN VIRAMA
        "'\u0915\u094D\u200C\u0937'",      // ZWNJ after a virama
        "'\u0645\u06CC\u200C\u062E'",      // ZWNJ between Persian letters
        "'col\u00B7lecci\u00F3'",          // MIDDLE DOT between two l
        "'\u0375\u03B1'",                  // KERAIA before Greek
        "'\u05D0\u05F3'",                  // GERESH after Hebrew
        "'\u05D0\u05F4'",                  // GERSHAYIM after Hebrew
        "'\u30A2\u30FB\u30A4'",            // KATAKANA MIDDLE DOT with katakana
        "'\u6F22\u30FBx'",                 // KATAKANA MIDDLE DOT with Han
        "'\u0661\u0662'",                  // Arabic-Indic digits alone
        "'\u06F1\u06F2'",                  // extended Arabic-Indic digits alone
    })
    void opaqueStringAcceptsContextualCharactersInContext(String s) {
        assertThat(StunStrings.opaqueString(s)).isEqualTo(s);
    }

    @ParameterizedTest(name = "OpaqueString context rule fails in {0}")
    @CsvSource({
        "'a\u200Db'",
        "'\u200D'",
        "'a\u200Cb'",
        "'a\u00B7b'",
        "'\u00B7l'",
        "'\u0375a'",
        "'\u0375'",
        "'a\u05F3'",
        "'a\u30FBb'",
        "'\u0661\u06F1'",
    })
    void opaqueStringRejectsContextualCharactersOutOfContext(String s) {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString(s, Field.USERNAME));
        assertThat(e.field()).isEqualTo(Field.USERNAME);
        assertThat(e.rule()).isEqualTo(Rule.CONTEXT_RULE);
        assertThat(e.getMessage()).startsWith("username: OpaqueString: the string contains a CONTEXT")
                .contains("context rule (RFC 5892 Appendix A) is not satisfied");
    }

    @Test
    void opaqueStringNeverQuotesAPasswordCharacter() {
        String message = catchThrowableOfType(StunCredentialException.class,
                () -> StunStrings.opaqueString("Zebra\uE000Quokka", Field.PASSWORD)).getMessage();
        assertThat(message).doesNotContain("Zebra").doesNotContain("Quokka").doesNotContain("E000")
                .doesNotContain("index");
    }

    @Test
    void opaqueStringRejectsNull() {
        assertThatThrownBy(() -> StunStrings.opaqueString(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StunStrings.opaqueString("a", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void viramaDetectionFindsCombiningClassNine() {
        assertThat(FreeformClass.isVirama(0x094D)).isTrue();  // DEVANAGARI SIGN VIRAMA
        assertThat(FreeformClass.isVirama(0x0E3A)).isTrue();  // THAI CHARACTER PHINTHU
        assertThat(FreeformClass.isVirama(0x17D2)).isTrue();  // KHMER SIGN COENG
        assertThat(FreeformClass.isVirama(0x0301)).isFalse(); // class 230
        assertThat(FreeformClass.isVirama(0x093C)).isFalse(); // NUKTA, class 7
        assertThat(FreeformClass.isVirama(0x3099)).isFalse(); // class 8
        assertThat(FreeformClass.isVirama(0x05B0)).isFalse(); // class 10
        assertThat(FreeformClass.isVirama('a')).isFalse();
        assertThat(FreeformClass.isVirama(-1)).isFalse();
    }

    @Test
    void stringPreparationDelegatesAndPicksDefaults() {
        assertThat(StringPreparation.SASLPREP.prepare("I\u00ADX", Field.PASSWORD)).isEqualTo("IX");
        assertThat(StringPreparation.OPAQUE_STRING.prepare("cafe\u0301", Field.PASSWORD)).isEqualTo("caf\u00E9");
        assertThat(StringPreparation.defaultFor(PasswordAlgorithm.MD5)).isEqualTo(StringPreparation.SASLPREP);
        assertThat(StringPreparation.defaultFor(PasswordAlgorithm.SHA256))
                .isEqualTo(StringPreparation.OPAQUE_STRING);
        assertThatThrownBy(() -> StringPreparation.defaultFor(null)).isInstanceOf(NullPointerException.class);
    }
}
