package org.waldur.agent.waldur;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust manager of offerings with {@code verify_ssl: false}: accepts any server certificate. One place, so the
 * routes' camel-http calls (AgentBeans' {@code trustAllTls}) and {@link WaldurClient} switch verification off alike.
 */
public final class TrustAllCertificates implements X509TrustManager {
    public static final TrustAllCertificates INSTANCE = new TrustAllCertificates();

    private TrustAllCertificates() {
    }

    /** A TLS context that trusts any server certificate. */
    public static SSLContext sslContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[]{INSTANCE}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // verify_ssl: false — the operator chose to trust any peer
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // verify_ssl: false — the operator chose to trust any peer
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
