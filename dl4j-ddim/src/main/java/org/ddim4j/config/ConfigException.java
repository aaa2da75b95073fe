package org.ddim4j.config;

/** A configuration file that cannot be used: unreadable, malformed, with unknown keys or bad values. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
