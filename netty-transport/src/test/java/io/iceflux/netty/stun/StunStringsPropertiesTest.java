package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.ongres.saslprep.SASLprep;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

class StunStringsPropertiesTest {

    @Property(tries = 1000)
    void bothPreparationsAreTheIdentityOnPrintableAscii(
            @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 64) String s) {
        assertThat(StunStrings.saslPrep(s)).isEqualTo(s);
        assertThat(StunStrings.opaqueString(s)).isEqualTo(s);
    }

    /** The printable-ASCII fast path of saslPrep gives what the full SASLprep profile gives. */
    @Property(tries = 1000)
    void theFastPathAgreesWithTheFullSaslPrep(
            @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 0, max = 64) String s) {
        assertThat(StunStrings.saslPrep(s)).isEqualTo(new SASLprep().prepareQuery(s));
    }

    @Property(tries = 500)
    void keysOfPrintableAsciiAreTheHashesOfTheJoinedStrings(
            @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 32) String username,
            @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 32) String realm,
            @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 32) String password)
            throws Exception {
        byte[] joined = (username + ":" + realm + ":" + password).getBytes(StandardCharsets.US_ASCII);
        assertThat(StunCredentials.longTermKey(username, realm, password, PasswordAlgorithm.MD5))
                .isEqualTo(java.security.MessageDigest.getInstance("MD5").digest(joined));
        assertThat(StunCredentials.longTermKey(username, realm, password, PasswordAlgorithm.SHA256))
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(joined));
        assertThat(StunCredentials.shortTermKey(password)).isEqualTo(password.getBytes(StandardCharsets.US_ASCII));
    }
}
