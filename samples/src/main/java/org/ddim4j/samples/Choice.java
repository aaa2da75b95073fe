package org.ddim4j.samples;

import org.ddim4j.config.Choices;
import org.ddim4j.data.Split;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.ArrayList;

/**
 * The launcher's closed choices: enums spelt as in the configs ({@link Choices}: lower case), with their values
 * for usage texts and shell completion.
 */
final class Choice {
    private Choice() {
    }

    /**
     * Registers the lower-case spelling of every enum the commands take; where the enum has a parser of its own, its
     * message names the allowed values.
     */
    static void registerConverters(CommandLine cl) {
        cl.registerConverter(TimestepSpacing.class, parsedBy(TimestepSpacing::fromName));
        cl.registerConverter(Split.class, parsedBy(Split::fromName));
        cl.registerConverter(Inverter.Method.class, parsedBy(Inverter.Method::fromName));
        cl.registerConverter(ReconstructionLoss.class, parsedBy(ReconstructionLoss::fromName));
        cl.registerConverter(SamplerKind.class, parsedBy(SamplerKind::of));
        register(cl, ReconstructionLoss.Clamp.class);
        register(cl, InversionSettings.Optimizer.class);
    }

    private static <E> ITypeConverter<E> parsedBy(java.util.function.Function<String, E> parser) {
        return value -> {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    private static <E extends Enum<E>> void register(CommandLine cl, Class<E> type) {
        cl.registerConverter(type, converter(type));
    }

    static <E extends Enum<E>> ITypeConverter<E> converter(Class<E> type) {
        return value -> {
            for (E e : type.getEnumConstants()) {
                if (Choices.name(e).equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
            throw new TypeConversionException("expected one of " + Choices.names(type) + ", got '" + value + "'");
        };
    }

    /** The spellings of an enum's constants. */
    static class Names extends ArrayList<String> {
        Names(Class<? extends Enum<?>> type) {
            for (Enum<?> e : type.getEnumConstants()) {
                add(Choices.name(e));
            }
        }
    }

    static final class Spacings extends Names {
        Spacings() {
            super(TimestepSpacing.class);
        }
    }

    /** The samplers' spellings ({@code dpm++2m} is not an enum constant's name). */
    static final class Samplers extends ArrayList<String> {
        Samplers() {
            super(SamplerKind.keys());
        }
    }

    static final class Splits extends Names {
        Splits() {
            super(Split.class);
        }
    }

    static final class Methods extends Names {
        Methods() {
            super(Inverter.Method.class);
        }
    }

    static final class Losses extends Names {
        Losses() {
            super(ReconstructionLoss.class);
        }
    }

    static final class Clamps extends Names {
        Clamps() {
            super(ReconstructionLoss.Clamp.class);
        }
    }

    static final class Optimizers extends Names {
        Optimizers() {
            super(InversionSettings.Optimizer.class);
        }
    }
}
