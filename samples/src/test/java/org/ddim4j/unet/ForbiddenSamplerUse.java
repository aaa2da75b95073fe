package org.ddim4j.unet;

/** Breaks {@code ArchitectureTest.NETWORK} on purpose (by a fully-qualified name, no import): never main code. */
public final class ForbiddenSamplerUse {
    public static Class<?> sampler() {
        return org.ddim4j.sampler.DdimSampler.class;
    }
}
