package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.TurnRestCredentials;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.fixtures.GatheringEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Sinks;

/** TURN REST credentials (coturn use-auth-secret / static-auth-secret) against a real coturn on 127.0.0.1. */
class TurnRestCoturnTest {

    static final String SECRET = "iceflux-rest-test-secret";

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().authSecret(SECRET).tls(false));

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.builder().build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    @AfterEach
    void nothingLeftOnTheServer() {
        COTURN.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static String url() {
        return COTURN.coturn().turnUdpUrl();
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    static IceConfiguration config(IceServer server, Clock clock) {
        return GatheringEvents.loopbackConfig(GathererCoturnTest.FAST, server).clock(clock).build();
    }

    static void assertRelay(List<IceEvent> events) {
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement()
                .satisfies(c -> assertThat(c.url()).isEqualTo(url()));
    }

    static void assert401(List<IceEvent> events) {
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).extracting(IceCandidateError::url, IceCandidateError::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(url(), 401));
    }

    @Test
    void freshCredentialsFromTheSharedSecretGiveARelay() {
        IceServer server = IceServer.withSharedSecret(List.of(url()), SECRET, "alice", Duration.ofMinutes(10));
        assertRelay(gather(config(server, Clock.systemUTC())));
    }

    @Test
    void anEmptyUserIdIsAcceptedByCoturn() {
        IceServer server = IceServer.withSharedSecret(List.of(url()), SECRET, "", Duration.ofMinutes(10));
        assertRelay(gather(config(server, Clock.systemUTC())));
    }

    @Test
    void credentialsMintedOnceAndHandedOverAsPlainOnesWork() {
        TurnRestCredentials minted = TurnRestCredentials.mint(SECRET, "bob", Duration.ofMinutes(5), Clock.systemUTC());
        assertRelay(gather(config(minted.iceServer(List.of(url())), Clock.systemUTC())));
    }

    @Test
    void expiredCredentialsGiveA401() {
        Clock twoHoursAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
        IceServer server = IceServer.withSharedSecret(List.of(url()), SECRET, "alice", Duration.ofHours(1));
        assert401(gather(config(server, twoHoursAgo)));
    }

    @Test
    void aWrongSecretGivesA401() {
        IceServer server = IceServer.withSharedSecret(List.of(url()), "not-the-secret", "alice", Duration.ofMinutes(10));
        assert401(gather(config(server, Clock.systemUTC())));
    }

    @Test
    void eachGatheringOfOneConfigurationMintsAgainWithTheConfigurationsClock() {
        MovableClock clock = new MovableClock(Instant.now().minus(Duration.ofHours(2)));
        IceConfiguration config = config(
                IceServer.withSharedSecret(List.of(url()), SECRET, "alice", Duration.ofHours(1)), clock);

        assert401(gather(config));
        clock.set(Instant.now());
        assertRelay(gather(config));
    }

    @Test
    void eachGenerationOfASessionMintsAgain() {
        MovableClock clock = new MovableClock(Instant.now().minus(Duration.ofHours(2)));
        IceConfiguration config = config(
                IceServer.withSharedSecret(List.of(url()), SECRET, "alice", Duration.ofHours(1)), clock);
        Sinks.Many<Object> restarts = Sinks.many().unicast().onBackpressureBuffer();
        IceEvent complete0 = new IceEvent.GatheringStateChanged(0, IceGatheringState.COMPLETE);
        IceEvent complete1 = new IceEvent.GatheringStateChanged(1, IceGatheringState.COMPLETE);

        List<IceEvent> events = gatherer.gather(config, restarts.asFlux())
                .doOnNext(e -> {
                    if (e.equals(complete0)) {
                        clock.set(Instant.now());
                        restarts.tryEmitNext("restart");
                    }
                })
                .takeUntil(complete1::equals)
                .collectList().block(Duration.ofSeconds(30));

        int generation1 = events.indexOf(new IceEvent.GatheringStateChanged(1, IceGatheringState.GATHERING));
        assertThat(generation1).isPositive();
        assert401(events.subList(0, generation1));
        assertRelay(events.subList(generation1, events.size()));
    }

    /** A clock a test moves by hand. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant now) {
            this.now = new AtomicReference<>(now);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
