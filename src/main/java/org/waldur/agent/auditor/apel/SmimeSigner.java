package org.waldur.agent.auditor.apel;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Signs an APEL message as AUDITOR's plugin does (auditor.md §5.5): S/MIME with a detached PKCS#7/CMS
 * signature, SHA-256, text mode — the signed entity is {@code Content-Type: text/plain} + the text with CRLF line
 * ends — by the site's host certificate and key (PEM; PKCS#1 or PKCS#8, unencrypted as grid host keys are).
 * BouncyCastle makes the CMS structure; the multipart/signed envelope around it is plain RFC 5751 framing.
 */
public final class SmimeSigner {
    private final X509Certificate cert;
    private final PrivateKey key;

    public SmimeSigner(X509Certificate cert, PrivateKey key) {
        this.cert = cert;
        this.key = key;
    }

    public static SmimeSigner fromPem(Path certFile, Path keyFile) throws IOException {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + ": not a PEM X.509 certificate: " + e.getMessage(), e);
        }
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                key = conv.getPrivateKey(kp.getPrivateKeyInfo());
            } else if (o instanceof PrivateKeyInfo pki) {
                key = conv.getPrivateKey(pki);
            } else {
                throw new IOException(keyFile + ": not an unencrypted PEM private key");
            }
        }
        return new SmimeSigner(cert, key);
    }

    public X509Certificate certificate() {
        return cert;
    }

    public PrivateKey privateKey() {
        return key;
    }

    /** The S/MIME text (multipart/signed) of {@code message}. */
    public String sign(String message) {
        String body = message.replace("\r\n", "\n").replace("\n", "\r\n");
        byte[] signed = ("Content-Type: text/plain\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        byte[] p7s;
        try {
            String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            ContentSigner signer = new JcaContentSignerBuilder(alg).build(key);
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(signer, cert));
            gen.addCertificates(new JcaCertStore(List.of(cert)));
            CMSSignedData data = gen.generate(new CMSProcessableByteArray(signed), false);
            p7s = data.getEncoded("DER");
        } catch (OperatorCreationException | CMSException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign the APEL message: " + e.getMessage(), e);
        }
        String boundary = "----" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        String b64 = Base64.getMimeEncoder(64, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(p7s);
        return "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; micalg=\"sha-256\"; "
                + "boundary=\"" + boundary + "\"\r\n\r\n"
                + "This is an S/MIME signed message\r\n\r\n"
                + "--" + boundary + "\r\n"
                // the CRLF before a boundary belongs to the boundary (RFC 2046), so the signed text keeps its own
                + "Content-Type: text/plain\r\n\r\n" + body + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: application/x-pkcs7-signature; name=\"smime.p7s\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n"
                + b64 + "\r\n\r\n"
                + "--" + boundary + "--\r\n";
    }
}
