package org.waldur.agent.waldur;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.waldur.agent.config.OfferingConfig;

/**
 * Turns the route's intent (headers {@code waldurMethod}, {@code waldurPath}, {@code waldurQuery}; the body for
 * POST) into a camel-http request for the exchange's offering. The only place that puts the credential (API token or OIDC
 * bearer token, {@link WaldurAuth}) on a request; it goes into the {@code Authorization} header and nowhere else. Inbound headers are dropped so nothing leaks
 * from one call into the next.
 */
public final class WaldurRequest {
    public static final String METHOD = "waldurMethod";
    public static final String PATH = "waldurPath";
    public static final String QUERY = "waldurQuery";

    private final String userAgent;
    private final WaldurAuth auth;

    public WaldurRequest(String userAgent) {
        this(userAgent, new WaldurAuth());
    }

    /** {@code auth} gives the Authorization value: the API token, or an OIDC bearer token kept fresh. */
    public WaldurRequest(String userAgent, WaldurAuth auth) {
        this.userAgent = userAgent;
        this.auth = auth;
    }

    public void prepare(Exchange exchange) {
        OfferingConfig offering = exchange.getProperty("offering", OfferingConfig.class);
        Message m = exchange.getMessage();
        String method = m.getHeader(METHOD, "GET", String.class);
        String path = m.getHeader(PATH, String.class);
        String query = m.getHeader(QUERY, String.class);
        if (path == null || path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("bad Waldur path: " + path);
        }
        String url = offering.apiUrl().toString() + path;
        exchange.setProperty("waldurUrl", url + (query == null || query.isEmpty() ? "" : "?" + query));
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_URI, url);
        m.setHeader(Exchange.HTTP_METHOD, method);
        if (query != null && !query.isEmpty()) {
            m.setHeader(Exchange.HTTP_QUERY, query);
        }
        m.setHeader("Authorization", auth.header(offering));
        m.setHeader("Accept", "application/json");
        m.setHeader("User-Agent", userAgent);
        if ("GET".equals(method)) {
            m.setBody(null);
        } else {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            Object body = m.getBody();
            m.setBody(body == null ? "{}" : body instanceof String s ? s : WaldurJson.write(body));
        }
    }
}
