package io.iceflux.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate is what a TLS server on loopback needs, and its PEM files are what coturn reads. */
class TestCertificateTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void isASelfSignedServerCertificateForTheNameAndAddresses() throws Exception {
        TestCertificate generated = TestCertificate.selfSigned("localhost", LOOPBACK);
        X509Certificate certificate = generated.certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getPublicKey()).isEqualTo(generated.keyPair().getPublic());
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(certificate.getBasicConstraints()).as("a root CA of path length 0").isEqualTo(0);
        assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(certificate.getCriticalExtensionOIDs()).contains("2.5.29.15");
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        certificate.checkValidity(Date.from(Instant.now()));
        certificate.checkValidity(Date.from(Instant.now().minus(Duration.ofHours(23))));
        certificate.checkValidity(Date.from(Instant.now().plus(Duration.ofHours(23))));
        assertThat(generated).hasToString("TestCertificate[CN=localhost]");
    }

    @Test
    void withoutAddressesTheNameIsTheOnlySubjectAlternativeName() throws Exception {
        X509Certificate certificate = TestCertificate.selfSigned("turn.example.org").certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=turn.example.org");
        assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, "turn.example.org"));
    }

    @Test
    void eachCallMakesANewKey() {
        assertThat(TestCertificate.selfSigned("localhost").keyPair().getPublic())
                .isNotEqualTo(TestCertificate.selfSigned("localhost").keyPair().getPublic());
    }

    @Test
    void theTrustManagerTrustsExactlyThisCertificate() throws Exception {
        TestCertificate generated = TestCertificate.selfSigned("localhost", LOOPBACK);
        TestCertificate other = TestCertificate.selfSigned("localhost", LOOPBACK);

        generated.trustManager().checkServerTrusted(new X509Certificate[] {generated.certificate()}, "ECDHE_ECDSA");
        assertThat(generated.trustManager().getAcceptedIssuers()).containsExactly(generated.certificate());
        assertThatThrownBy(() -> generated.trustManager()
                .checkServerTrusted(new X509Certificate[] {other.certificate()}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
        assertThat(generated.trustManagerFactory().getTrustManagers()).hasSize(1);
    }

    @Test
    void thePemFilesHoldTheCertificateAndItsPrivateKey(@TempDir Path directory) throws Exception {
        TestCertificate generated = TestCertificate.selfSigned("localhost", LOOPBACK);
        Path cert = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");

        generated.writePem(cert, key);

        try (InputStream pem = Files.newInputStream(cert)) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(pem))
                    .isEqualTo(generated.certificate());
        }
        String keyPem = Files.readString(key);
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----").contains("-----END PRIVATE KEY-----");
        PrivateKey read = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(keyPem)));
        assertThat(read).isEqualTo(generated.privateKey());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(read);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(generated.certificate());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void aFileThatCannotBeWrittenIsAnUncheckedIoException(@TempDir Path directory) {
        Path missing = directory.resolve("no-such-directory").resolve("cert.pem");

        assertThatThrownBy(() -> TestCertificate.selfSigned("localhost").writePem(missing, directory.resolve("k")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString())
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aJdkTlsClientTrustingItCompletesAHandshakeWithAServerPresentingIt() throws Exception {
        TestCertificate generated = TestCertificate.selfSigned("localhost", LOOPBACK);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", generated.privateKey(), new char[0],
                new X509Certificate[] {generated.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {generated.trustManager()}, null);

        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, LOOPBACK)) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) server.accept()) {
                    accepted.setSoTimeout(5000);
                    int read = accepted.getInputStream().read();
                    accepted.getOutputStream().write(read + 1);
                    accepted.getOutputStream().flush();
                    return read;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket(LOOPBACK, server.getLocalPort())) {
                client.setSoTimeout(5000);
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(List.of(new SNIHostName("localhost")));
                client.setSSLParameters(parameters);
                client.getOutputStream().write(41);
                client.getOutputStream().flush();

                assertThat(client.getInputStream().read()).isEqualTo(42);
                assertThat(client.getSession().getPeerCertificates()).containsExactly(generated.certificate());
            }
            assertThat(served.get(5, TimeUnit.SECONDS)).isEqualTo(41);
        }
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
