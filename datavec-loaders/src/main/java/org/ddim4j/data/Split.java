package org.ddim4j.data;

import java.util.Locale;

/** A dataset split. */
public enum Split {
    TRAIN, VALID, TEST;

    public static Split fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown split '" + name + "'; expected train, valid or test");
        }
    }
}
