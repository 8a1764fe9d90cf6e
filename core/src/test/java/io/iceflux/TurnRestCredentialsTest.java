package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Minting TURN REST credentials, checked against HMAC-SHA1 computed here with javax.crypto. */
class TurnRestCredentialsTest {

    static final String SECRET = "north-wind-secret";
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-12-04T12:00:00.750Z"), ZoneOffset.UTC);
    static final long NOW = Instant.parse("2026-12-04T12:00:00Z").getEpochSecond();

    static String hmacSha1Base64(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void usernameIsExpiryColonUserAndPasswordIsBase64HmacSha1OfIt() throws Exception {
        TurnRestCredentials c = TurnRestCredentials.mint(SECRET, "alice", Duration.ofHours(1), FIXED);

        String expectedUsername = (NOW + 3600) + ":alice";
        assertThat(expectedUsername).isEqualTo("1796389200:alice");
        assertThat(c.username()).isEqualTo(expectedUsername);
        assertThat(c.password()).isEqualTo(hmacSha1Base64(SECRET, expectedUsername)).hasSize(28);
        assertThat(c.expiresAt()).isEqualTo(Instant.ofEpochSecond(NOW + 3600));
    }

    @Test
    void anEmptyUserGivesTheExpiryAlone() throws Exception {
        TurnRestCredentials c = TurnRestCredentials.mint(SECRET, "", Duration.ofSeconds(86400), FIXED);

        assertThat(c.username()).isEqualTo(Long.toString(NOW + 86400));
        assertThat(c.password()).isEqualTo(hmacSha1Base64(SECRET, c.username()));
    }

    @Test
    void theSameClockGivesTheSameCredentialsAndAnotherInstantOthers() {
        Duration ttl = TurnRestCredentials.DEFAULT_TTL;
        assertThat(TurnRestCredentials.mint(SECRET, "a", ttl, FIXED))
                .isEqualTo(TurnRestCredentials.mint(SECRET, "a", ttl, FIXED));
        Clock later = Clock.offset(FIXED, Duration.ofSeconds(1));
        assertThat(TurnRestCredentials.mint(SECRET, "a", ttl, later).username()).isEqualTo((NOW + 86401) + ":a");
    }

    @Test
    void iceServerCarriesTheMintedCredentials() {
        TurnRestCredentials c = TurnRestCredentials.mint(SECRET, "alice", Duration.ofMinutes(5), FIXED);
        IceServer server = c.iceServer(List.of("turn:turn.example.org"));

        assertThat(server.username()).contains(c.username());
        assertThat(server.credential()).contains(c.password());
    }

    @Test
    void sharedSecretServerMintsAtTheGivenClockEachTime() throws Exception {
        IceServer server = IceServer.withSharedSecret(List.of("turn:turn.example.org"), SECRET, "alice",
                Duration.ofMinutes(10)).withTimers(StunTimers.rfc8489());
        assertThat(server.usesSharedSecret()).isTrue();
        assertThat(server.username()).isEmpty();
        assertThat(server.credential()).isEmpty();

        IceServer minted = server.withCredentialsAt(FIXED);
        assertThat(minted.usesSharedSecret()).isFalse();
        assertThat(minted.username()).contains((NOW + 600) + ":alice");
        assertThat(minted.credential()).contains(hmacSha1Base64(SECRET, (NOW + 600) + ":alice"));
        assertThat(minted.timers()).contains(StunTimers.rfc8489());
        assertThat(server.withCredentialsAt(Clock.offset(FIXED, Duration.ofSeconds(30))).username())
                .contains((NOW + 630) + ":alice");
        IceServer plain = IceServer.of("stun:stun.example.org");
        assertThat(plain.withCredentialsAt(FIXED)).isSameAs(plain);
    }

    @Test
    void configurationMintsWithItsClockAndLeavesOtherServersAlone() {
        IceServer stun = IceServer.of("stun:stun.example.org");
        IceConfiguration config = IceConfiguration.builder().server(stun)
                .server(IceServer.withSharedSecret(List.of("turn:turn.example.org"), SECRET, "u", Duration.ofSeconds(60)))
                .clock(FIXED).build();

        IceConfiguration fresh = config.withFreshCredentials();
        assertThat(fresh.servers().get(0)).isSameAs(stun);
        assertThat(fresh.servers().get(1).username()).contains((NOW + 60) + ":u");
        assertThat(fresh.clock()).isSameAs(FIXED);
        IceConfiguration none = IceConfiguration.builder().server(stun).build();
        assertThat(none.withFreshCredentials()).isSameAs(none);
    }

    @Test
    void theSecretNeverAppearsInToStringOrExceptions() {
        TurnRestCredentials c = TurnRestCredentials.mint(SECRET, "alice", Duration.ofHours(1), FIXED);
        assertThat(c.toString()).contains(c.username()).contains("***")
                .doesNotContain(SECRET).doesNotContain(c.password());
        IceServer server = IceServer.withSharedSecret(List.of("turn:turn.example.org"), SECRET, "alice",
                Duration.ofHours(1));
        assertThat(server.toString()).contains("sharedSecret=***").contains("alice").doesNotContain(SECRET);
        assertThat(IceConfiguration.builder().server(server).build().toString()).doesNotContain(SECRET);

        assertThatThrownBy(() -> TurnRestCredentials.mint(SECRET, "alice", Duration.ZERO, FIXED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> TurnRestCredentials.mint(SECRET, "bad\nuser", Duration.ofHours(1), FIXED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> IceServer.withSharedSecret(List.of("turn:h"), SECRET, "x".repeat(600),
                Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> IceServer.withSharedSecret(List.of("turn:h:65536"), SECRET, "u", Duration.ofHours(1)))
                .isInstanceOf(IceServerSyntaxException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> TurnRestCredentials.mint("", "u", Duration.ofHours(1), FIXED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the TURN REST shared secret is empty");
    }

    @Test
    void expiryOfReadsTheLeadingUnixTime() {
        assertThat(TurnRestCredentials.expiryOf("1764853200:alice")).contains(Instant.ofEpochSecond(1764853200L));
        assertThat(TurnRestCredentials.expiryOf("1764853200")).contains(Instant.ofEpochSecond(1764853200L));
        assertThat(TurnRestCredentials.expiryOf("alice")).isEmpty();
        assertThat(TurnRestCredentials.expiryOf(":alice")).isEmpty();
        assertThat(TurnRestCredentials.expiryOf(null)).isEmpty();
    }
}
