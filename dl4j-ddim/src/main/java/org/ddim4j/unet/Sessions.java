package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr;

/**
 * Works around a SameDiff 1.0.0-M2.1 defect: the default per-thread session recycles intermediate arrays
 * (ArrayCacheMemoryMgr) while later ops still read them, so a U-Net forward pass returns wrong values (off by
 * 0.4 on the parity fixture). Every execution here runs in a session that does not recycle arrays.
 */
public final class Sessions {
    private Sessions() {
    }

    /** Installs a non-recycling session for the calling thread on the graph and on its gradient function. */
    public static void useSafeSession(SameDiff sd) {
        install(sd);
        if (sd.hasGradientFunction()) {
            SameDiff grad = sd.getFunction("grad");
            if (grad != null) {
                install(grad);
            }
        }
    }

    private static void install(SameDiff sd) {
        long thread = Thread.currentThread().getId();
        InferenceSession s = sd.getSessions().get(thread);
        if (s == null || !(s.getMmgr() instanceof NoOpMemoryMgr)) {
            InferenceSession safe = new InferenceSession(sd);
            safe.setMmgr(new NoOpMemoryMgr());
            sd.getSessions().put(thread, safe);
        }
    }
}
