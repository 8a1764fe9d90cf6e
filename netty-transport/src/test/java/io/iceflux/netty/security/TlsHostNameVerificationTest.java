package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * TLS verifies the server's host name by default: a gatherer that trusts coturn's certificate (issued to
 * {@code localhost} and {@code 127.0.0.1}) still refuses it when the URL names another host that resolves to the
 * same address, and accepts it under the right name. Only {@code insecureTrustAllCertificates()} skips the check.
 */
class TlsHostNameVerificationTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();

    static final String OTHER_NAME = "turn.other-name.test";

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(3));

    private static NettyIceGatherer.Builder gathererResolvingEverythingToLoopback() {
        return NettyIceGatherer.builder()
                .resolver(host -> Mono.just(List.of(InetAddress.getLoopbackAddress())));
    }

    private static List<IceEvent> gather(NettyIceGatherer gatherer, String url) {
        Coturn coturn = COTURN.coturn();
        IceConfiguration config = IceConfiguration.builder()
                .server(IceServer.of(List.of(url), coturn.username(), coturn.password()))
                .transportPolicy(IceTransportPolicy.RELAY).stunTimers(FAST)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
        List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
        coturn.awaitAllocationCount(0, Duration.ofSeconds(10));
        return events;
    }

    private static List<IceCandidate> candidates(List<IceEvent> events) {
        return events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate()).toList();
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedWith701() {
        String url = "turns:" + OTHER_NAME + ":" + COTURN.coturn().tlsPort() + "?transport=tcp";
        try (NettyIceGatherer gatherer = gathererResolvingEverythingToLoopback()
                .trustManager(COTURN.coturn().trustManager()).build()) {
            List<IceEvent> events = gather(gatherer, url);

            assertThat(candidates(events)).isEmpty();
            assertThat(errors(events)).singleElement().satisfies(e -> {
                assertThat(e.url()).isEqualTo(url);
                assertThat(e.errorCode()).isEqualTo(701);
                assertThat(e.errorText()).startsWith("TLS handshake with " + OTHER_NAME
                        + " failed: certificate does not match the host name (");
                assertThat(e.address()).isNull();
                assertThat(e.port()).isNull();
            });
        }
    }

    @Test
    void theSameCertificateUnderItsOwnNameGivesARelay() {
        String url = COTURN.coturn().turnsUrl();
        try (NettyIceGatherer gatherer = gathererResolvingEverythingToLoopback()
                .trustManager(COTURN.coturn().trustManager()).build()) {
            List<IceEvent> events = gather(gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(IceCandidate.Type.RELAY);
                assertThat(c.url()).isEqualTo(url);
                assertThat(c.address()).isEqualTo("127.0.0.1");
            });
        }
    }

    @Test
    void onlyTheInsecureOptionSkipsTheCheck() {
        String url = "turns:" + OTHER_NAME + ":" + COTURN.coturn().tlsPort() + "?transport=tcp";
        try (NettyIceGatherer gatherer = gathererResolvingEverythingToLoopback().insecureTrustAllCertificates()
                .build()) {
            List<IceEvent> events = gather(gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(IceCandidate.Type.RELAY);
                assertThat(c.url()).isEqualTo(url);
            });
        }
    }
}
