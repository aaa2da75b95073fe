package org.ddim4j.model;

import org.ddim4j.train.Trainer;

/** Breaks {@code ArchitectureTest.MODEL} on purpose: never main code. */
public final class ForbiddenTrainerUse {
    public static Class<?> trainer() {
        return Trainer.class;
    }
}
