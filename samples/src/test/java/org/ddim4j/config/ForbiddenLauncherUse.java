package org.ddim4j.config;

import org.ddim4j.samples.Ddim;

/** Breaks {@code ArchitectureTest.CORE_MODULE}, {@code LAUNCHER} and {@code NO_CYCLES} on purpose: never main code. */
public final class ForbiddenLauncherUse {
    public static Class<?> launcher() {
        return Ddim.class;
    }
}
