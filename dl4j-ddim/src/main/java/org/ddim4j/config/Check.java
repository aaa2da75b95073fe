package org.ddim4j.config;

/** Validation helpers for the config records; each failure names the key, the value and what is allowed. */
final class Check {
    private Check() {
    }

    static int positive(String key, int value) {
        if (value <= 0) {
            throw new InvalidValueException(key, value, "expected a positive integer");
        }
        return value;
    }

    static int nonNegative(String key, int value) {
        if (value < 0) {
            throw new InvalidValueException(key, value, "expected an integer >= 0");
        }
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidValueException(key, value, "expected a finite number > 0");
        }
        return value;
    }

    static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidValueException(key, value, "expected a finite number >= 0");
        }
        return value;
    }

    /** Checks lo <= value < hi (or <= hi when {@code hiInclusive}). */
    static double inRange(String key, double value, double lo, double hi, boolean hiInclusive) {
        boolean ok = value >= lo && (hiInclusive ? value <= hi : value < hi);
        if (!ok) {
            throw new InvalidValueException(key, value,
                    "expected a number in [" + lo + ", " + hi + (hiInclusive ? "]" : ")"));
        }
        return value;
    }

    static <T> T notNull(String key, T value) {
        if (value == null) {
            throw new InvalidValueException(key, null, "a value is required");
        }
        return value;
    }
}
