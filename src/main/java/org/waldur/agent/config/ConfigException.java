package org.waldur.agent.config;

/**
 * A configuration problem an operator can fix: the message names the file (or environment) and the key,
 * and is printed as one line without a stack trace.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String source, String key, String problem) {
        super(source + ": " + key + ": " + problem);
    }
}
