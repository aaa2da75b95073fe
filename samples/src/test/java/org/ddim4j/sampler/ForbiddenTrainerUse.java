package org.ddim4j.sampler;

import org.ddim4j.train.Trainer;

/** Breaks {@code ArchitectureTest.SAMPLER} on purpose: never main code. */
public final class ForbiddenTrainerUse {
    public static Class<?> trainer() {
        return Trainer.class;
    }
}
