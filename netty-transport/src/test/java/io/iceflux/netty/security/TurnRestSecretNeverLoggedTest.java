package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static io.iceflux.netty.security.SecretsNeverLoggedTest.gatherLogged;
import static io.iceflux.netty.security.SecretsNeverLoggedTest.relayConfig;
import static io.iceflux.netty.security.SecretsNeverLoggedTest.relays;
import static io.iceflux.netty.security.SecretsNeverLoggedTest.scan;
import static io.iceflux.netty.security.SecretsNeverLoggedTest.stackTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.TurnRestCredentials;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.util.Loggers;

/**
 * A TURN REST shared secret never leaks: gatherings with the right secret (relay), a wrong one (401) and credentials
 * past their expiry (401) run with every log at its finest level and every signal logged at TRACE; everything
 * captured ({@link SecretsNeverLoggedTest.Capture}), the {@code toString} of the servers, configurations and minted
 * credentials, and the messages of rejected secrets, user ids and TTLs are scanned for the secrets and the minted
 * passwords.
 */
class TurnRestSecretNeverLoggedTest {

    static final String SECRET = "Rest-Secret-Narwhal-5521";
    static final String WRONG_SECRET = "Rest-Wrong-Axolotl-9034";
    static final String USER = "rest-user-Kea";

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().tls(false).authSecret(SECRET));

    private final SecretsNeverLoggedTest.Capture capture = new SecretsNeverLoggedTest.Capture();

    @BeforeEach
    void startCapture() {
        capture.start();
    }

    @AfterEach
    void stopCapture() {
        capture.stop();
        COTURN.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void rightWrongAndExpiredSharedSecretsAtTraceLeaveNoSecretAnywhere() {
        String url = COTURN.coturn().turnUdpUrl();
        Clock now = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        Clock twoHoursAgo = Clock.offset(now, Duration.ofHours(-2));
        Duration ttl = Duration.ofHours(1);
        Loggers.useJdkLoggers();
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().build()) {
            List<IceEvent> right = gather(gatherer, IceServer.withSharedSecret(List.of(url), SECRET, USER, ttl), now);
            assertThat(errors(right)).isEmpty();
            assertThat(relays(right)).singleElement().satisfies(c -> assertThat(c.url()).isEqualTo(url));

            List<IceEvent> wrong = gather(gatherer,
                    IceServer.withSharedSecret(List.of(url), WRONG_SECRET, USER, ttl), now);
            assertThat(errors(wrong)).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo(401));

            List<IceEvent> expired = gather(gatherer,
                    IceServer.withSharedSecret(List.of(url), SECRET, USER, ttl), twoHoursAgo);
            assertThat(errors(expired)).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo(401));
        } finally {
            Loggers.resetLoggerFactory();
        }
        for (String bad : List.of("user\u0007", "u".repeat(600), "user\ud800")) {
            assertThatThrownBy(() -> IceServer.withSharedSecret(List.of(url), SECRET, bad, ttl))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> capture.library.append(stackTrace(e)));
        }
        assertThatThrownBy(() -> IceServer.withSharedSecret(List.of(url), SECRET, USER, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).satisfies(e -> capture.library.append(stackTrace(e)));
        assertThatThrownBy(() -> IceServer.withSharedSecret(List.of(url + "?transport=sctp"), SECRET, USER, ttl))
                .satisfies(e -> capture.library.append(stackTrace(e)));
        capture.shown.append(TurnRestCredentials.mint(SECRET, USER, ttl, now)).append('\n');

        capture.stop();
        assertThat(capture.julRecords).as("JUL records at FINEST from Flux.log").isPositive();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String secret : List.of(SECRET, WRONG_SECRET)) {
            secrets.put("secret " + secret, secret);
            secrets.put("base64 of " + secret,
                    Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            for (Clock clock : List.of(now, twoHoursAgo)) {
                String password = TurnRestCredentials.mint(secret, USER, ttl, clock).password();
                secrets.put("password minted with " + secret + " at " + clock.instant(), password);
            }
        }
        scan("library output (logs, stdout/stderr, events, errors)", capture.all(), secrets);
        scan("toString of the servers, configurations and credentials", capture.shown.toString(), secrets);
    }

    private List<IceEvent> gather(NettyIceGatherer gatherer, IceServer server, Clock clock) {
        return gatherLogged(gatherer, relayConfig(server).clock(clock).build(), capture);
    }
}
