package org.waldur.agent.auditor.apel;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * A certificate authority made in the test: a CA certificate and host certificates it signs, as PEM files or as
 * PKCS#12 stores (a TLS server's key store; the trust store an operator hands the JVM).
 */
public final class TestCa {
    public static final char[] STORE_PASSWORD = "changeit".toCharArray();
    final Path dir;
    final KeyPair caKeys;
    final X509Certificate caCert;
    private long serial = 1;

    public TestCa(Path dir) throws Exception {
        this.dir = dir;
        caKeys = rsa();
        X500Name name = new X500Name("CN=Test Grid CA,O=waldur-camel-agent tests");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++),
                Date.from(Instant.now().minus(1, ChronoUnit.DAYS)), Date.from(Instant.now().plus(1, ChronoUnit.DAYS)), name, caKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        caCert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        pem(dir.resolve("ca.pem"), caCert);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** Writes {@code <name>-cert.pem} and {@code <name>-key.pem} (PKCS#8) for a host certificate with that CN. */
    Path[] host(String name, String cn) throws Exception {
        KeyPair keys = rsa();
        X509Certificate cert = sign(keys, cn);
        Path c = dir.resolve(name + "-cert.pem");
        Path k = dir.resolve(name + "-key.pem");
        pem(c, cert);
        pem(k, keys.getPrivate());
        return new Path[]{c, k};
    }

    /** A host key and its certificate (CN and DNS name {@code cn}) with this CA's, as a key store for a TLS server. */
    public KeyStore hostKeyStore(String cn) throws Exception {
        KeyPair keys = rsa();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("host", keys.getPrivate(), STORE_PASSWORD, new Certificate[]{sign(keys, cn), caCert});
        return ks;
    }

    /** This CA alone in a PKCS#12 file: what {@code -Djavax.net.ssl.trustStore} names. */
    public Path trustStore(String name) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", caCert);
        Path f = dir.resolve(name + ".p12");
        try (var out = Files.newOutputStream(f)) {
            ts.store(out, STORE_PASSWORD);
        }
        return f;
    }

    private X509Certificate sign(KeyPair keys, String cn) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, BigInteger.valueOf(serial++),
                Date.from(Instant.now().minus(1, ChronoUnit.DAYS)), Date.from(Instant.now().plus(1, ChronoUnit.DAYS)),
                new X500Name("CN=" + cn + ",O=waldur-camel-agent tests"), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
    }

    private static void pem(Path f, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(f); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
    }
}
