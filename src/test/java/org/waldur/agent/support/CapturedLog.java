package org.waldur.agent.support;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

import java.util.ArrayList;
import java.util.List;

/** Every log line of the agent (all loggers, all levels from DEBUG), as text, while attached. */
public final class CapturedLog extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final List<java.util.Map<String, String>> contexts = new ArrayList<>();
    private final org.apache.logging.log4j.Level previous;

    private CapturedLog() {
        super("captured", null, null, true, Property.EMPTY_ARRAY);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        previous = cfg.getRootLogger().getLevel();
        start();
        cfg.getRootLogger().addAppender(this, org.apache.logging.log4j.Level.DEBUG, null);
        cfg.getRootLogger().setLevel(org.apache.logging.log4j.Level.DEBUG);
        ctx.updateLoggers();
    }

    public static CapturedLog attach() {
        return new CapturedLog();
    }

    @Override
    public synchronized void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
                + (event.getThrown() != null ? " " + event.getThrown() : ""));
        contexts.add(event.getContextData().toMap());
    }

    /** The MDC (log4j2 context data) of each line of {@link #lines()}, same index. */
    public synchronized List<java.util.Map<String, String>> contexts() {
        return List.copyOf(contexts);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(getName());
        ctx.getConfiguration().getRootLogger().setLevel(previous);
        ctx.updateLoggers();
        stop();
    }
}
