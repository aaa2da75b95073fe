package org.ddim4j.metrics;

import org.ddim4j.unet.UNet;

/** Breaks {@code ArchitectureTest.METRICS} on purpose: never main code. */
public final class ForbiddenNetworkUse {
    public static Class<?> network() {
        return UNet.class;
    }
}
