package org.ddim4j.data;

import org.ddim4j.model.DdimModel;

/** Breaks {@code ArchitectureTest.READERS} on purpose: never main code. */
public final class ForbiddenModelUse {
    public static Class<?> model() {
        return DdimModel.class;
    }
}
