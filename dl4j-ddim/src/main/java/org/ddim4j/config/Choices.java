package org.ddim4j.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The YAML spelling of the config's closed choices (enums): the constant's name in lower case with '-' for
 * '_' ({@code LINEAR} is {@code linear}, {@code EMOJI_SMILEYS} is {@code emoji-smileys}).
 */
public final class Choices {
    private Choices() {
    }

    /** The YAML spelling of a constant. */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The YAML spellings of every constant of {@code type}, in declaration order. */
    public static <E extends Enum<E>> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choices::name).toList();
    }

    /** The constant spelt {@code value} (case-insensitive); else an error naming {@code key} and the allowed values. */
    public static <E extends Enum<E>> E parse(String key, String value, Class<E> type) {
        if (value != null) {
            for (E e : type.getEnumConstants()) {
                if (name(e).equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
        }
        throw new InvalidValueException(key, value, "expected one of " + names(type));
    }
}
