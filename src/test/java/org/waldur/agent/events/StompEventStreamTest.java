package org.waldur.agent.events;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.security.SignatureException;
import java.security.cert.CertPathValidatorException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StompEventStreamTest {

    @Test
    void aRefusedCertificateNamesTheSettingThatTrustsItsCa() {
        SSLHandshakeException tls = new SSLHandshakeException("PKIX path validation failed: signature check failed");
        tls.initCause(new CertPathValidatorException("signature check failed", new SignatureException("Signature does not match.")));
        String m = StompEventStream.rootMessage(new CompletionException(tls));
        assertTrue(m.startsWith("SSLHandshakeException: PKIX path validation failed: signature check failed"), m);
        assertTrue(m.contains("javax.net.ssl.trustStore") && m.contains("verify_ssl: false"), m);
    }

    @Test
    void otherFailuresKeepTheirOwnReasonOnly() {
        assertEquals("ConnectException: Connection refused",
                StompEventStream.rootMessage(new CompletionException(new ConnectException("Connection refused"))));
    }
}
