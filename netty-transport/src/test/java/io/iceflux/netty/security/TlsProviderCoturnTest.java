package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.iceflux.netty.internal.transport.NettyStunTransportFactory.TlsProvider;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * TURN over TLS against coturn through both TLS implementations: OpenSSL (netty-tcnative, on this module's test class
 * path, on Netty 4.2 and, in the netty41 execution, 4.1) and the JDK's. Both give the relay, both refuse a trusted
 * certificate under another host name and an untrusted one, with the same 701 texts.
 */
class TlsProviderCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(3));

    private static NettyIceGatherer.Builder builder(boolean openSsl) {
        return NettyIceGatherer.builder().openSsl(openSsl)
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

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTrustedCertificateGivesARelay(boolean openSsl) {
        String url = COTURN.coturn().turnsUrl();
        try (NettyIceGatherer gatherer = builder(openSsl).trustManager(COTURN.coturn().trustManager()).build()) {
            assertThat(gatherer.tlsImplementation()).isEqualTo(openSsl ? "openssl" : "jdk");

            List<IceEvent> events = gather(gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(IceCandidate.Type.RELAY);
                assertThat(c.url()).isEqualTo(url);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTrustedCertificateForAnotherNameIs701(boolean openSsl) {
        String url = "turns:turn.other-name.test:" + COTURN.coturn().tlsPort() + "?transport=tcp";
        try (NettyIceGatherer gatherer = builder(openSsl).trustManager(COTURN.coturn().trustManager()).build()) {
            List<IceEvent> events = gather(gatherer, url);

            assertThat(candidates(events)).isEmpty();
            assertThat(errors(events)).singleElement().satisfies(e -> {
                assertThat(e.errorCode()).isEqualTo(701);
                assertThat(e.errorText()).startsWith("TLS handshake with turn.other-name.test failed: certificate "
                        + "does not match the host name (");
            });
        }
    }

    @Test
    void bothGiveTheSameTextsForAWrongNameAndAnUntrustedCertificate() {
        String wrongName = "turns:turn.other-name.test:" + COTURN.coturn().tlsPort() + "?transport=tcp";
        List<String> texts = new java.util.ArrayList<>();
        for (boolean openSsl : new boolean[] {true, false}) {
            try (NettyIceGatherer trusting = builder(openSsl).trustManager(COTURN.coturn().trustManager()).build();
                 NettyIceGatherer untrusting = builder(openSsl).build()) {
                texts.add(errors(gather(trusting, wrongName)).get(0).errorText());
                texts.add(errors(gather(untrusting, COTURN.coturn().turnsUrl())).get(0).errorText());
            }
        }
        assertThat(texts.subList(0, 2)).as("OpenSSL's texts, then the JDK's").isEqualTo(texts.subList(2, 4));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anUntrustedCertificateIs701(boolean openSsl) {
        String url = COTURN.coturn().turnsUrl();
        try (NettyIceGatherer gatherer = builder(openSsl).build()) {
            List<IceEvent> events = gather(gatherer, url);

            assertThat(candidates(events)).isEmpty();
            assertThat(errors(events)).singleElement().satisfies(e -> {
                assertThat(e.errorCode()).isEqualTo(701);
                assertThat(e.errorText()).startsWith("TLS handshake with localhost failed: certificate not trusted (");
            });
        }
    }

    @Test
    void theSystemPropertyChoosesTheDefault() {
        String before = System.getProperty(TlsProvider.PROPERTY);
        try {
            System.setProperty(TlsProvider.PROPERTY, "jdk");
            try (NettyIceGatherer gatherer = NettyIceGatherer.builder().build()) {
                assertThat(gatherer.tlsImplementation()).isEqualTo("jdk");
            }
            System.setProperty(TlsProvider.PROPERTY, "OpenSSL");
            try (NettyIceGatherer gatherer = NettyIceGatherer.builder().build()) {
                assertThat(gatherer.tlsImplementation()).isEqualTo("openssl");
            }
            System.setProperty(TlsProvider.PROPERTY, "jdk");
            try (NettyIceGatherer gatherer = NettyIceGatherer.builder().openSsl(true).build()) {
                assertThat(gatherer.tlsImplementation()).as("the builder wins").isEqualTo("openssl");
            }
            System.setProperty(TlsProvider.PROPERTY, "gnutls");
            assertThatThrownBy(() -> NettyIceGatherer.builder().build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(TlsProvider.PROPERTY).hasMessageContaining("gnutls");
        } finally {
            if (before == null) {
                System.clearProperty(TlsProvider.PROPERTY);
            } else {
                System.setProperty(TlsProvider.PROPERTY, before);
            }
        }
    }
}
