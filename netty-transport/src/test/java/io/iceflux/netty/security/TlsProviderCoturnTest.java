package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate;
import io.iceflux.IceEvent;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.internal.transport.NettyStunTransportFactory.TlsProvider;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TURN over TLS against coturn through both TLS implementations: OpenSSL (netty-tcnative, on this module's test class
 * path, on Netty 4.2 and, in the netty41 execution, 4.1) and the JDK's. Both give the relay, both refuse a trusted
 * certificate under another host name and an untrusted one, with the same 701 texts.
 */
class TlsProviderCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();


    private static NettyIceGatherer.Builder builder(boolean openSsl) {
        return RelayOverTls.resolvingEverythingToLoopback().openSsl(openSsl);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTrustedCertificateGivesARelay(boolean openSsl) {
        String url = COTURN.coturn().turnsUrl();
        try (NettyIceGatherer gatherer = builder(openSsl).trustManager(COTURN.coturn().trustManager()).build()) {
            assertThat(gatherer.tlsImplementation()).isEqualTo(openSsl ? "openssl" : "jdk");

            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(c -> {
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
            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
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
                texts.add(errors(RelayOverTls.gather(COTURN.coturn(), trusting, wrongName)).get(0).errorText());
                texts.add(errors(RelayOverTls.gather(COTURN.coturn(), untrusting, COTURN.coturn().turnsUrl())).get(0).errorText());
            }
        }
        assertThat(texts.subList(0, 2)).as("OpenSSL's texts, then the JDK's").isEqualTo(texts.subList(2, 4));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anUntrustedCertificateIs701(boolean openSsl) {
        String url = COTURN.coturn().turnsUrl();
        try (NettyIceGatherer gatherer = builder(openSsl).build()) {
            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
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
