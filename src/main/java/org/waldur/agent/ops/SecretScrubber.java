package org.waldur.agent.ops;

import io.sentry.Breadcrumb;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes credentials from what the agent sends to Sentry: every configured secret (API tokens, OIDC client
 * secrets) wherever it appears, anything after {@code Token}/{@code Bearer}, and every {@code Authorization} header.
 * Runs as the SDK's beforeSend and beforeBreadcrumb hooks, i.e. on the event exactly as it would be sent.
 */
public final class SecretScrubber {
    static final String MASK = "****";
    private static final Pattern SCHEME = Pattern.compile("(?i)\\b(Token|Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern HEADER = Pattern.compile("(?i)(Authorization\\s*[:=]\\s*\"?)[^\"\\r\\n,}]+");
    private final List<String> secrets;

    public SecretScrubber(Collection<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
    }

    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        out = HEADER.matcher(out).replaceAll("$1" + MASK);
        return SCHEME.matcher(out).replaceAll("$1 " + MASK);
    }

    public SentryEvent scrub(SentryEvent event) {
        Message m = event.getMessage();
        if (m != null) {
            m.setMessage(scrub(m.getMessage()));
            m.setFormatted(scrub(m.getFormatted()));
            if (m.getParams() != null) {
                m.setParams(new ArrayList<>(m.getParams().stream().map(this::scrub).toList()));
            }
        }
        if (event.getExceptions() != null) {
            for (SentryException e : event.getExceptions()) {
                e.setValue(scrub(e.getValue()));
            }
        }
        if (event.getBreadcrumbs() != null) {
            event.getBreadcrumbs().forEach(this::scrub);
        }
        Request r = event.getRequest();
        if (r != null && r.getHeaders() != null) {
            r.getHeaders().keySet().removeIf(k -> k.equalsIgnoreCase("Authorization"));
        }
        if (event.getExtras() != null) {
            for (Map.Entry<String, Object> e : Map.copyOf(event.getExtras()).entrySet()) {
                event.setExtra(e.getKey(), e.getValue() instanceof String s ? scrub(s) : e.getValue());
            }
        }
        return event;
    }

    public Breadcrumb scrub(Breadcrumb b) {
        b.setMessage(scrub(b.getMessage()));
        b.getData().replaceAll((k, v) -> k.equalsIgnoreCase("Authorization") ? MASK : v instanceof String s ? scrub(s) : v);
        return b;
    }
}
