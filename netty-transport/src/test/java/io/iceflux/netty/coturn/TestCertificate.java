package io.iceflux.netty.coturn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A freshly generated self-signed EC P-256 server certificate for {@code localhost}, with subject alternative
 * names {@code DNS:localhost} and {@code IP:127.0.0.1}, valid from an hour ago for a day, written as PEM files
 * (certificate, and the PKCS#8 private key) that coturn reads with {@code cert=} and {@code pkey=}.
 */
record TestCertificate(X509Certificate certificate, Path certificatePem, Path privateKeyPem) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Generates a certificate and its key and writes them into {@code directory} as {@code cert.pem} and
     * {@code key.pem}.
     *
     * @throws CoturnException if the JDK cannot generate or sign it
     * @throws UncheckedIOException if the files cannot be written
     */
    static TestCertificate generate(Path directory) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=localhost");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    name, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(keys.getPrivate())));
            Path certificatePem = directory.resolve("cert.pem");
            Path privateKeyPem = directory.resolve("key.pem");
            Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.writeString(privateKeyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    StandardCharsets.US_ASCII);
            return new TestCertificate(certificate, certificatePem, privateKeyPem);
        } catch (CertIOException | OperatorCreationException | CertificateEncodingException e) {
            throw new CoturnException("could not build the self-signed certificate for coturn", e);
        } catch (GeneralSecurityException e) {
            throw new CoturnException("could not generate the EC P-256 key for coturn's certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write coturn's certificate into " + directory, e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
