package org.ddim4j.graph;

import org.ddim4j.unet.UNet;

/** Breaks {@code ArchitectureTest.ENGINE} on purpose: never main code. */
public final class ForbiddenNetworkUse {
    public static Class<?> network() {
        return UNet.class;
    }
}
