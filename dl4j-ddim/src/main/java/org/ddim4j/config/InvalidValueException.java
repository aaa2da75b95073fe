package org.ddim4j.config;

/**
 * A configuration value that is not allowed. Names the key (as written in the seed's YAML files, e.g.
 * {@code network.num_groups}), the offending value and what is allowed.
 */
public class InvalidValueException extends IllegalArgumentException {
    private final String key;
    private final Object value;
    private final String allowed;

    public InvalidValueException(String key, Object value, String allowed) {
        super(key + " = " + value + ": " + allowed);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    public String key() {
        return key;
    }

    public Object value() {
        return value;
    }

    public String allowed() {
        return allowed;
    }
}
