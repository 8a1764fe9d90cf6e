package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder's checks; no coturn is started. */
class CoturnBuilderTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "hash#tag", "tab\there"})
    void rejectsRealmsCotturnCannotRead(String realm) {
        assertRejected(() -> Coturn.builder().realm(realm), "realm");
    }

    @Test
    void rejectsBadUserNames() {
        assertRejected(() -> Coturn.builder().user("", "pw"), "user name is empty");
        assertRejected(() -> Coturn.builder().user("a:b", "pw"),
                "user name has a forbidden character at index 1 (whitespace, control, '#' or ':')");
        assertRejected(() -> Coturn.builder().user("a b", "pw"),
                "user name has a forbidden character at index 1 (whitespace, control, '#' or ':')");
    }

    @Test
    void rejectsBadAuthSecrets() {
        assertRejected(() -> Coturn.builder().authSecret(""), "auth secret is empty");
        assertRejected(() -> Coturn.builder().authSecret("two words"),
                "auth secret has a forbidden character at index 3 (whitespace, control, '#')");
    }

    @Test
    void rejectsBadPasswords() {
        assertRejected(() -> Coturn.builder().user("bob", ""), "password of user bob is empty");
        assertRejected(() -> Coturn.builder().user("bob", "new\nline"),
                "password of user bob has a forbidden character at index 3 (whitespace, control, '#')");
        assertRejected(() -> Coturn.builder().user("bob", "0xdeadbeef"),
                "password of user bob starts with 0x, which coturn reads as a hex key, not a password");
    }

    @Test
    void rejectsAnEmptyUserMapAndBadEntries() {
        assertRejected(() -> Coturn.builder().users(Map.of()), "users is empty; coturn needs at least one user");
        assertRejected(() -> Coturn.builder().users(Map.of("x:y", "pw")),
                "user name has a forbidden character at index 1 (whitespace, control, '#' or ':')");
        assertThatThrownBy(() -> Coturn.builder().users(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("users");
    }

    @Test
    void rejectsBadNumbers() {
        assertRejected(() -> Coturn.builder().userQuota(-1), "user quota is negative: -1");
        assertRejected(() -> Coturn.builder().staleNonce(Duration.ZERO),
                "stale nonce lifetime must be whole seconds, at least 1: PT0S");
        assertRejected(() -> Coturn.builder().staleNonce(Duration.ofMillis(1500)),
                "stale nonce lifetime must be whole seconds, at least 1: PT1.5S");
        assertRejected(() -> Coturn.builder().startupTimeout(Duration.ZERO), "startup timeout must be positive: PT0S");
    }

    @Test
    void rejectsAlternateServersThatAreNotResolvedIpv4() {
        assertRejected(() -> Coturn.builder().alternateServer(InetSocketAddress.createUnresolved("turn.test", 3478)),
                "alternate server must be a resolved IPv4 address: turn.test/<unresolved>:3478");
        assertRejected(() -> Coturn.builder().alternateServer(new InetSocketAddress("::1", 3478)),
                "alternate server must be a resolved IPv4 address: /[0:0:0:0:0:0:0:1]:3478");
    }

    @Test
    void extensionRefusesToHandOutCoturnOutsideTheClassLifetime() {
        assertThatThrownBy(() -> new CoturnExtension().coturn())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("coturn is not running");
    }

    private static void assertRejected(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
