package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Works around a SameDiff 1.0.0-M2.1 defect: the default per-thread session recycles intermediate arrays
 * (ArrayCacheMemoryMgr) while later ops of the same execution still read them, so a U-Net forward pass
 * returns wrong values (off by 0.4 on the parity fixture). Every execution here runs in a session whose
 * memory manager reuses an array only in a later execution than the one that released it: nothing of an
 * execution is overwritten while it runs, and a training loop or sampler still allocates almost nothing
 * after its first step (allocating every array afresh cost a quarter of a training step).
 *
 * <p>Consequence for callers: arrays a graph returns may be reused by the graph's next execution on the
 * same thread; public methods that hand results to users copy them.
 */
public final class Sessions {
    private Sessions() {
    }

    /** Prepares the calling thread's session of the graph (and of its gradient function) for one execution. */
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
        if (s != null && s.getMmgr() instanceof DeferredReuseMemoryMgr m) {
            m.startExecution();
            return;
        }
        InferenceSession safe = new InferenceSession(sd);
        safe.setMmgr(new DeferredReuseMemoryMgr());
        sd.getSessions().put(thread, safe);
    }

    /** Reuses released arrays of the same type and shape, but only in a later execution. */
    static final class DeferredReuseMemoryMgr extends AbstractMemoryMgr {
        private final Map<String, Deque<INDArray>> available = new HashMap<>();
        private final List<INDArray> releasedThisExecution = new ArrayList<>();
        private final Set<INDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());

        void startExecution() {
            for (INDArray a : releasedThisExecution) {
                available.computeIfAbsent(key(a.dataType(), a.shape()), k -> new ArrayDeque<>()).push(a);
            }
            releasedThisExecution.clear();
            // arrays never released (outputs, or kept by the session) are left to the garbage collector
            handedOut.clear();
        }

        private static String key(DataType type, long[] shape) {
            return type + Arrays.toString(shape);
        }

        @Override
        public INDArray allocate(boolean detached, DataType dataType, long... shape) {
            if (detached) {
                return Nd4j.createUninitialized(dataType, shape, 'c');
            }
            Deque<INDArray> pool = available.get(key(dataType, shape));
            INDArray a = pool == null || pool.isEmpty() ? Nd4j.createUninitialized(dataType, shape, 'c') : pool.pop();
            handedOut.add(a);
            return a;
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            return allocate(detached, descriptor.dataType(), descriptor.getShape());
        }

        @Override
        public void release(INDArray array) {
            if (handedOut.remove(array)) {
                releasedThisExecution.add(array);
            }
        }

        @Override
        public void close() {
            available.clear();
            releasedThisExecution.clear();
            handedOut.clear();
        }
    }
}
