package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.netty.stun.StunCredentialException.Field;
import io.iceflux.netty.stun.StunCredentialException.Rule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunCredentialsTest {

    /** RFC 5769 §2.4 and RFC 8489 Appendix B.1: the username, unaffected by either preparation. */
    private static final String USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    /** The password of both vectors before preparation. */
    private static final String RAW_PASSWORD = "The\u00ADM\u00AAtr\u2168";
    private static final String REALM = "example.org";

    /** RFC 5769 §2.4, Sample Request with Long-Term Authentication (MESSAGE-INTEGRITY at offset 92). */
    private static final byte[] RFC5769_LONG_TERM = hex(
            "0001006021 12a442 78ad3433c6ad72c029da412e"
            + "00060012 e3839ee38388e383aae38383e382afe382b9 0000"
            + "0015001c 662f2f3439396b39353464364f4c33346f4c394653547679363473 41"
            + "0014000b 6578616d706c652e6f7267 00"
            + "00080014 f67024656dd64a3e02b8e0712e85c9a28ca89666");

    /**
     * RFC 8489 Appendix B.1 as corrected by errata 6268 (length 0x90, PASSWORD-ALGORITHM SHA-256 added):
     * USERHASH, NONCE, REALM, PASSWORD-ALGORITHM, MESSAGE-INTEGRITY-SHA256 at offset 128.
     */
    private static final byte[] RFC8489_B1 = hex(
            "00010090 2112a442 78ad3433c6ad72c029da412e"
            + "001e0020 4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"
            + "00150029 6f624d61744a6f73324141414366 2f2f3439396b39353464364f4c33346f4c394653547679363473 41000000"
            + "0014000b 6578616d706c652e6f7267 00"
            + "001d0004 00020000"
            + "001c0020 b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] digest(String algorithm, String input) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String algorithm, byte[] key, byte[] message, int length) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        mac.update(message, 0, length);
        return mac.doFinal();
    }

    @Test
    void md5KeyOfTheRfc5769VectorUsesSaslPrep() throws Exception {
        byte[] key = StunCredentials.longTermKey(USERNAME, REALM, RAW_PASSWORD, PasswordAlgorithm.MD5);
        assertThat(key).isEqualTo(digest("MD5", USERNAME + ":example.org:TheMatrIX"))
                .isEqualTo(hex("e8ca7ad59d5eb0518e312911d2dab2a9"))
                .hasSize(16);
    }

    @Test
    void md5KeyVerifiesTheRfc5769MessageIntegrity() throws Exception {
        byte[] key = StunCredentials.of(USERNAME, RAW_PASSWORD).longTermKey(REALM, PasswordAlgorithm.MD5);
        // The MESSAGE-INTEGRITY attribute is last, so the header's length (0x60) already ends with it.
        assertLastAttributeIsTheMac(RFC5769_LONG_TERM, "00080014", "HmacSHA1", key);
    }

    /**
     * The last attribute of {@code message} has the type and length {@code header} (hex) and holds the
     * {@code hmacAlgorithm} of everything before it with {@code key}.
     */
    private static void assertLastAttributeIsTheMac(byte[] message, String header, String hmacAlgorithm, byte[] key)
            throws Exception {
        int macLength = Integer.parseInt(header.substring(4), 16);
        int attribute = message.length - 4 - macLength;
        assertThat(Arrays.copyOfRange(message, attribute, attribute + 4)).isEqualTo(hex(header));
        assertThat(hmac(hmacAlgorithm, key, message, attribute))
                .isEqualTo(Arrays.copyOfRange(message, attribute + 4, message.length));
    }

    @Test
    void md5KeyWithoutSaslPrepDoesNotVerifyTheRfc5769Vector() throws Exception {
        byte[] unprepared = digest("MD5", USERNAME + ":example.org:" + RAW_PASSWORD);
        assertThat(hmac("HmacSHA1", unprepared, RFC5769_LONG_TERM, 92))
                .isNotEqualTo(Arrays.copyOfRange(RFC5769_LONG_TERM, 96, 116));
    }

    @Test
    void sha256KeyIsTheHashOfThePreparedStrings() throws Exception {
        byte[] key = StunCredentials.longTermKey(USERNAME, REALM, "TheMatrIX", PasswordAlgorithm.SHA256);
        assertThat(key).isEqualTo(digest("SHA-256", USERNAME + ":example.org:TheMatrIX")).hasSize(32);
    }

    @Test
    void sha256KeyVerifiesTheCorrectedRfc8489MessageIntegritySha256() throws Exception {
        byte[] key = StunCredentials.of(USERNAME, "TheMatrIX").longTermKey(REALM, PasswordAlgorithm.SHA256);
        assertLastAttributeIsTheMac(RFC8489_B1, "001c0020", "HmacSHA256", key);
    }

    @Test
    void sha256KeyOfTheRawRfc8489PasswordNeedsTheSaslPrepOverride() throws Exception {
        // RFC 8489 B.1 says OpaqueString turns the raw password into TheMatrIX; it does not (it rejects
        // SOFT HYPHEN and does not apply NFKC). The override reproduces the vector's key.
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.longTermKey(USERNAME, REALM, RAW_PASSWORD, PasswordAlgorithm.SHA256));
        assertThat(e.field()).isEqualTo(Field.PASSWORD);
        assertThat(e.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(StunCredentials.longTermKey(USERNAME, REALM, RAW_PASSWORD, PasswordAlgorithm.SHA256,
                StringPreparation.SASLPREP)).isEqualTo(digest("SHA-256", USERNAME + ":example.org:TheMatrIX"));
        assertThat(StunCredentials.of(USERNAME, RAW_PASSWORD).longTermKey(REALM, PasswordAlgorithm.SHA256,
                StringPreparation.SASLPREP)).isEqualTo(digest("SHA-256", USERNAME + ":example.org:TheMatrIX"));
    }

    @Test
    void md5KeyWithTheOpaqueStringOverrideKeepsCompatibilityCharacters() throws Exception {
        assertThat(StunCredentials.longTermKey("alice", REALM, "pass\u00AAword", PasswordAlgorithm.MD5,
                StringPreparation.OPAQUE_STRING)).isEqualTo(digest("MD5", "alice:example.org:pass\u00AAword"));
        assertThat(StunCredentials.longTermKey("alice", REALM, "pass\u00AAword", PasswordAlgorithm.MD5))
                .isEqualTo(digest("MD5", "alice:example.org:passaword"));
    }

    @Test
    void longTermKeyPreparesUsernameAndRealmToo() throws Exception {
        assertThat(StunCredentials.longTermKey("\u2168\u00AD", "re\u00A0alm", "pw", PasswordAlgorithm.MD5))
                .isEqualTo(digest("MD5", "IX:re alm:pw"));
        assertThat(StunCredentials.longTermKey("cafe\u0301", "re\u3000alm", "pw", PasswordAlgorithm.SHA256))
                .isEqualTo(digest("SHA-256", "caf\u00E9:re alm:pw"));
    }

    @Test
    void userHashMatchesTheRfc8489Vector() {
        assertThat(StunCredentials.userHash(USERNAME, REALM))
                .isEqualTo(Arrays.copyOfRange(RFC8489_B1, 24, 56))
                .isEqualTo(hex("4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"));
        assertThat(StunCredentials.of(USERNAME, "x").userHash(REALM)).isEqualTo(hex(
                "4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"));
    }

    @Test
    void userHashPreparesTheUsernameButNotTheRealm() throws Exception {
        assertThat(StunCredentials.userHash("cafe\u0301", "r\u00E9alm"))
                .isEqualTo(digest("SHA-256", "caf\u00E9:r\u00E9alm"));
        assertThat(StunCredentials.userHash("bob", "re\u3000alm")).isEqualTo(digest("SHA-256", "bob:re\u3000alm"));
    }

    @Test
    void userHashRejectsABadUsernameOrEmptyRealm() {
        StunCredentialException e = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.userHash("user\u0009name", REALM));
        assertThat(e.field()).isEqualTo(Field.USERNAME);
        assertThat(e.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        StunCredentialException empty = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.userHash("bob", ""));
        assertThat(empty.field()).isEqualTo(Field.REALM);
        assertThat(empty.rule()).isEqualTo(Rule.EMPTY);
        assertThat(empty.getMessage()).isEqualTo("realm: the realm is empty");
    }

    @Test
    void shortTermKeyOfTheRfc5769PasswordIsItsAsciiBytes() {
        String password = "VOkJxbRl1RmTxUk/WvJxBt";
        assertThat(StunCredentials.shortTermKey(password)).isEqualTo(password.getBytes(StandardCharsets.US_ASCII));
        assertThat(StunCredentials.of("evtj:h6vY", password).shortTermKey())
                .isEqualTo(password.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shortTermKeyAppliesOpaqueString() {
        assertThat(StunCredentials.shortTermKey("cafe\u0301\u3000x"))
                .isEqualTo("caf\u00E9 x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysAreFreshArrays() {
        StunCredentials c = StunCredentials.of("alice", "secret");
        byte[] first = c.longTermKey(REALM, PasswordAlgorithm.SHA256);
        byte[] expected = first.clone();
        Arrays.fill(first, (byte) 0);
        assertThat(c.longTermKey(REALM, PasswordAlgorithm.SHA256)).isEqualTo(expected);
        byte[] shortKey = c.shortTermKey();
        Arrays.fill(shortKey, (byte) 0);
        assertThat(c.shortTermKey()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(c.userHash(REALM)).isNotSameAs(c.userHash(REALM));
    }

    @Test
    void errorMessagesNeverContainThePassword() {
        String password = "Xylophone\u0007Marmalade";
        StunCredentials c = StunCredentials.of("alice", password);
        StunCredentialException md5 = catchThrowableOfType(StunCredentialException.class,
                () -> c.longTermKey(REALM, PasswordAlgorithm.MD5));
        StunCredentialException sha = catchThrowableOfType(StunCredentialException.class,
                () -> c.longTermKey(REALM, PasswordAlgorithm.SHA256));
        StunCredentialException shortTerm = catchThrowableOfType(StunCredentialException.class, c::shortTermKey);
        StunCredentialException bidi = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.longTermKey("alice", REALM, "\u0627Xylophone", PasswordAlgorithm.MD5));
        assertThat(md5.rule()).isEqualTo(Rule.PROHIBITED_CHARACTER);
        assertThat(sha.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(shortTerm.rule()).isEqualTo(Rule.DISALLOWED_CHARACTER);
        assertThat(bidi.rule()).isEqualTo(Rule.BIDI);
        for (StunCredentialException e : new StunCredentialException[] {md5, sha, shortTerm, bidi}) {
            assertThat(e.field()).isEqualTo(Field.PASSWORD);
            assertThat(e.getMessage()).startsWith("password: ")
                    .doesNotContain("Xylophone").doesNotContain("Marmalade")
                    .doesNotContain("0007").doesNotContain("0627");
            assertThat(e.getCause()).isNull();
        }
        assertThat(c.toString()).doesNotContain("Xylophone").doesNotContain("Marmalade");
    }

    @Test
    void emptyAfterPreparationIsRejectedPerField() {
        StunCredentialException password = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.longTermKey("alice", REALM, "\u00AD", PasswordAlgorithm.MD5));
        assertThat(password.field()).isEqualTo(Field.PASSWORD);
        assertThat(password.rule()).isEqualTo(Rule.EMPTY);
        assertThat(password.getMessage())
                .isEqualTo("password: SASLprep: nothing is left of the password after preparation");
        StunCredentialException realm = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.longTermKey("alice", "", "pw", PasswordAlgorithm.SHA256));
        assertThat(realm.field()).isEqualTo(Field.REALM);
        assertThat(realm.rule()).isEqualTo(Rule.EMPTY);
        StunCredentialException username = catchThrowableOfType(StunCredentialException.class,
                () -> StunCredentials.longTermKey("\u200B", REALM, "pw", PasswordAlgorithm.MD5));
        assertThat(username.field()).isEqualTo(Field.USERNAME);
        assertThat(username.rule()).isEqualTo(Rule.EMPTY);
    }

    @Test
    void ofHoldsEmptyStringsButNoKeyIsDerivedFromThem() {
        StunCredentials emptyUser = StunCredentials.of("", "pw");
        StunCredentialException user = catchThrowableOfType(StunCredentialException.class,
                () -> emptyUser.preparedUsername(StringPreparation.OPAQUE_STRING));
        assertThat(user.field()).isEqualTo(Field.USERNAME);
        assertThat(user.rule()).isEqualTo(Rule.EMPTY);
        assertThat(catchThrowableOfType(StunCredentialException.class,
                () -> emptyUser.longTermKey(REALM, PasswordAlgorithm.MD5)).field()).isEqualTo(Field.USERNAME);
        StunCredentials emptyPassword = StunCredentials.of("alice", "");
        StunCredentialException pw = catchThrowableOfType(StunCredentialException.class,
                () -> emptyPassword.longTermKey(REALM, PasswordAlgorithm.SHA256));
        assertThat(pw.field()).isEqualTo(Field.PASSWORD);
        assertThat(pw.rule()).isEqualTo(Rule.EMPTY);
        assertThatThrownBy(() -> StunCredentials.of(null, "pw")).isInstanceOf(NullPointerException.class)
                .hasMessage("username");
        assertThatThrownBy(() -> StunCredentials.of("alice", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("password");
    }

    @Test
    void staticFunctionsRejectNullArguments() {
        assertThatThrownBy(() -> StunCredentials.longTermKey(null, REALM, "pw", PasswordAlgorithm.MD5))
                .isInstanceOf(NullPointerException.class).hasMessage("username");
        assertThatThrownBy(() -> StunCredentials.longTermKey("a", null, "pw", PasswordAlgorithm.MD5))
                .isInstanceOf(NullPointerException.class).hasMessage("realm");
        assertThatThrownBy(() -> StunCredentials.longTermKey("a", REALM, null, PasswordAlgorithm.MD5))
                .isInstanceOf(NullPointerException.class).hasMessage("password");
        assertThatThrownBy(() -> StunCredentials.longTermKey("a", REALM, "pw", null))
                .isInstanceOf(NullPointerException.class).hasMessage("algorithm");
        assertThatThrownBy(() -> StunCredentials.longTermKey("a", REALM, "pw", PasswordAlgorithm.MD5, null))
                .isInstanceOf(NullPointerException.class).hasMessage("preparation");
        assertThatThrownBy(() -> StunCredentials.userHash(null, REALM))
                .isInstanceOf(NullPointerException.class).hasMessage("username");
        assertThatThrownBy(() -> StunCredentials.userHash("a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("realm");
        assertThatThrownBy(() -> StunCredentials.shortTermKey(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void valueAccessorsEqualityAndToString() {
        StunCredentials c = StunCredentials.of("\u2168alice", "secret");
        assertThat(c.username()).isEqualTo("\u2168alice");
        assertThat(c.preparedUsername(StringPreparation.SASLPREP)).isEqualTo("IXalice");
        assertThat(c.preparedUsername(StringPreparation.OPAQUE_STRING)).isEqualTo("\u2168alice");
        assertThat(c).isEqualTo(StunCredentials.of("\u2168alice", "secret"))
                .hasSameHashCodeAs(StunCredentials.of("\u2168alice", "secret"))
                .isNotEqualTo(StunCredentials.of("\u2168alice", "secreT"))
                .isNotEqualTo(StunCredentials.of("alice", "secret"))
                .isNotEqualTo("secret");
        assertThat(c.hashCode()).isEqualTo("\u2168alice".hashCode());
        assertThat(c).hasToString("StunCredentials[username=\u2168alice, password=***]");
    }
}
