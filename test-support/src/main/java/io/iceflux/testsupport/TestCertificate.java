package io.iceflux.testsupport;

import io.netty.pkitesting.CertificateBuilder.KeyUsage;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A freshly generated EC P-256 key and a self-signed TLS server certificate for it, made with Netty's
 * {@link CertificateBuilder}: subject {@code CN=<dnsName>}, subject alternative names {@code DNS:<dnsName>} and
 * {@code IP:<address>} for each address given, key usage digital signature and certificate signing (critical),
 * extended key usage server authentication, valid from a day ago to a day ahead, signed with SHA256withECDSA. Netty's
 * builder makes a self-signed certificate a root CA (basic constraints {@code CA:TRUE}, here with path length 0);
 * TLS clients that trust it take it as its own trust anchor, and servers (coturn, Netty) present it as is.
 *
 * <p>One implementation for every test server of the project: the fake STUN servers of netty-transport's tests,
 * the coturn they start (which reads {@link #writePem PEM files}) and the testkit's {@code TestTurnServer}.
 */
public final class TestCertificate {

    private final X509Bundle bundle;

    private TestCertificate(X509Bundle bundle) {
        this.bundle = bundle;
    }

    /**
     * Generate a key and a self-signed certificate for {@code dnsName} and {@code ipAddresses}.
     *
     * @param dnsName the common name and the only DNS subject alternative name, e.g. {@code localhost}
     * @param ipAddresses the IP subject alternative names, in this order
     * @throws IllegalStateException if the JDK cannot generate the key or sign the certificate
     */
    public static TestCertificate selfSigned(String dnsName, InetAddress... ipAddresses) {
        Instant now = Instant.now();
        CertificateBuilder builder = new CertificateBuilder()
                .subject("CN=" + dnsName)
                .addSanDnsName(dnsName)
                .ecp256()
                .notBefore(now.minus(Duration.ofDays(1)))
                .notAfter(now.plus(Duration.ofDays(1)))
                // CertificateBuilder signs a self-signed certificate only as a root CA; path length 0: it can
                // sign no other CA. A TLS client that trusts it trusts it as its own anchor.
                .setIsCertificateAuthority(true)
                .setPathLengthConstraint(OptionalInt.of(0))
                .setKeyUsage(true, KeyUsage.digitalSignature, KeyUsage.keyCertSign)
                .addExtendedKeyUsageServerAuth();
        for (InetAddress address : ipAddresses) {
            builder.addSanIpAddress(address);
        }
        try {
            return new TestCertificate(builder.buildSelfSigned());
        } catch (Exception e) {
            throw new IllegalStateException("could not generate a self-signed certificate for " + dnsName, e);
        }
    }

    /** Returns the certificate. */
    public X509Certificate certificate() {
        return bundle.getCertificate();
    }

    /** Returns the key pair whose public key the certificate holds. */
    public KeyPair keyPair() {
        return bundle.getKeyPair();
    }

    /** Returns the private key, e.g. for {@code SslContextBuilder.forServer(privateKey(), certificate())}. */
    public PrivateKey privateKey() {
        return bundle.getKeyPair().getPrivate();
    }

    /** Returns trust managers that trust exactly this certificate. */
    public TrustManagerFactory trustManagerFactory() {
        return bundle.toTrustManagerFactory();
    }

    /**
     * Returns a trust manager that trusts exactly this certificate.
     *
     * @throws IllegalStateException if the default trust manager factory made no {@link X509TrustManager}
     */
    public X509TrustManager trustManager() {
        for (TrustManager manager : trustManagerFactory().getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the default TrustManagerFactory made no X509TrustManager");
    }

    /** Returns the certificate as a PEM {@code CERTIFICATE} block. */
    public String certificatePem() {
        return bundle.getCertificatePEM();
    }

    /** Returns the private key as a PEM {@code PRIVATE KEY} (PKCS#8) block. */
    public String privateKeyPem() {
        return bundle.getPrivateKeyPEM();
    }

    /**
     * Write the certificate and the private key as PEM files (what coturn's {@code cert=} and {@code pkey=} read).
     *
     * @throws UncheckedIOException if a file cannot be written
     */
    public void writePem(Path certificateFile, Path privateKeyFile) {
        try {
            Files.writeString(certificateFile, certificatePem(), StandardCharsets.US_ASCII);
            Files.writeString(privateKeyFile, privateKeyPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the certificate to " + certificateFile + " and "
                    + privateKeyFile, e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificate[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
