package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceEvent;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.CoturnExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS verifies the server's host name by default: a gatherer that trusts coturn's certificate (issued to
 * {@code localhost} and {@code 127.0.0.1}) still refuses it when the URL names another host that resolves to the
 * same address, and accepts it under the right name. Only {@code insecureTrustAllCertificates()} skips the check.
 */
class TlsHostNameVerificationTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();

    static final String OTHER_NAME = "turn.other-name.test";


    @Test
    void aTrustedCertificateForAnotherNameIsRefusedWith701() {
        String url = "turns:" + OTHER_NAME + ":" + COTURN.coturn().tlsPort() + "?transport=tcp";
        try (NettyIceGatherer gatherer = RelayOverTls.resolvingEverythingToLoopback()
                .trustManager(COTURN.coturn().trustManager()).build()) {
            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
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
        try (NettyIceGatherer gatherer = RelayOverTls.resolvingEverythingToLoopback()
                .trustManager(COTURN.coturn().trustManager()).build()) {
            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(IceCandidate.Type.RELAY);
                assertThat(c.url()).isEqualTo(url);
                assertThat(c.address()).isEqualTo("127.0.0.1");
            });
        }
    }

    @Test
    void onlyTheInsecureOptionSkipsTheCheck() {
        String url = "turns:" + OTHER_NAME + ":" + COTURN.coturn().tlsPort() + "?transport=tcp";
        try (NettyIceGatherer gatherer = RelayOverTls.resolvingEverythingToLoopback().insecureTrustAllCertificates()
                .build()) {
            List<IceEvent> events = RelayOverTls.gather(COTURN.coturn(), gatherer, url);

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(IceCandidate.Type.RELAY);
                assertThat(c.url()).isEqualTo(url);
            });
        }
    }
}
