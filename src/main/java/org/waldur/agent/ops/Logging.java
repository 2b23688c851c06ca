package org.waldur.agent.ops;

import io.sentry.ScopesAdapter;
import io.sentry.Sentry;
import io.sentry.log4j2.SentryAppender;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;

import java.util.Collection;
import java.util.Set;

/**
 * The launcher's logging choices: the line format ({@code --log-format text|json}, or AGENT_LOG_FORMAT; log4j2.xml
 * picks the appender from the {@code agent.log-format} property) and error reporting to Sentry through the official
 * SDK's log4j2 appender, with every credential scrubbed ({@link SecretScrubber}) before anything is sent.
 */
public final class Logging {
    public static final Set<String> FORMATS = Set.of("text", "json");

    private Logging() {
    }

    public static void useFormat(String format) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("--log-format must be text or json, not '" + format + "'");
        }
        System.setProperty("agent.log-format", format);
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
    }

    /**
     * ERROR events (and INFO breadcrumbs before them) go to Sentry when a DSN is given; {@code environment} is
     * SENTRY_ENVIRONMENT. Nothing happens without a DSN.
     */
    public static void enableSentry(String dsn, String environment, String release, Collection<String> secrets) {
        if (dsn == null || dsn.isBlank()) {
            return;
        }
        SecretScrubber scrubber = new SecretScrubber(secrets);
        Sentry.init(o -> {
            o.setDsn(dsn);
            if (environment != null && !environment.isBlank()) {
                o.setEnvironment(environment);
            }
            o.setRelease(release);
            o.setSendDefaultPii(false);
            o.setBeforeSend((event, hint) -> scrubber.scrub(event));
            o.setBeforeBreadcrumb((crumb, hint) -> scrubber.scrub(crumb));
        });
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        SentryAppender appender = new SentryAppender("sentry", null, dsn, Level.INFO, Level.ERROR, null, false, null,
                ScopesAdapter.getInstance(), null);
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        ctx.updateLoggers();
    }
}
