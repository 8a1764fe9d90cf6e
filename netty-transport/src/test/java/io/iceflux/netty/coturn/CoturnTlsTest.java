package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoturnTlsTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void handshakeSucceedsTrustingExactlyTheGeneratedCertificateWithHostnameVerification(String host)
            throws IOException, GeneralSecurityException {
        Coturn coturn = COTURN.coturn();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {coturn.trustManager()}, null);

        try (SSLSocket socket = connect(context, host)) {
            socket.startHandshake();

            assertThat(socket.getSession().getPeerCertificates()).containsExactly(coturn.certificate());
            byte[] tid = HandStun.newTransactionId();
            socket.getOutputStream().write(HandStun.encode(HandStun.BINDING_REQUEST, tid, List.of()));
            HandStun.Message answer = HandStun.read(socket.getInputStream());
            assertThat(answer.type()).isEqualTo(HandStun.BINDING_SUCCESS);
            assertThat(answer.transactionId()).isEqualTo(tid);
            assertThat(answer.xorAddress(HandStun.XOR_MAPPED_ADDRESS)).isEqualTo(socket.getLocalSocketAddress());
        }
    }

    @Test
    void handshakeFailsWithTheDefaultTrustStore() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);

        try (SSLSocket socket = connect(context, "localhost")) {
            assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("PKIX path building failed");
        }
    }

    @Test
    void certificateIsSelfSignedForLocalhostAndLoopbackAndMatchesItsPemFile()
            throws IOException, GeneralSecurityException {
        Coturn coturn = COTURN.coturn();
        X509Certificate certificate = coturn.certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity(Date.from(Instant.now()));
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        // test-support's TestCertificate (Netty's CertificateBuilder) is a root CA of path length 0: its own anchor
        assertThat(certificate.getBasicConstraints()).isEqualTo(0);
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        try (InputStream pem = Files.newInputStream(coturn.certificatePem())) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(pem)).isEqualTo(certificate);
        }
    }

    private static SSLSocket connect(SSLContext context, String host) throws IOException {
        Coturn coturn = COTURN.coturn();
        Socket plain = new Socket();
        plain.connect(coturn.tlsAddress(), 2000);
        plain.setSoTimeout(2000);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, coturn.tlsPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }
}
