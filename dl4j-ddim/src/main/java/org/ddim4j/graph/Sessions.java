package org.ddim4j.graph;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.dataset.api.MultiDataSet;
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
 * returns wrong values (off by 0.4 on the parity fixture). The cause is aliasing: a reshape, permute or
 * identity returns a view of its input, and when the input's variable is released the view's variable may
 * still be live, so the recycled buffer is overwritten under it.
 *
 * <p>Every execution here runs in a session whose memory manager ({@link AliasAwareMemoryMgr}) watches each
 * op's outputs (through a listener): an array that some later op's output aliases is "pinned" and reused only
 * in a later execution; every other released array is reused at once, within the same execution. Arrays
 * SameDiff never releases (in a gradient execution it releases almost none; docs/PERFORMANCE.md) are all reused
 * from the next execution on, so a training loop or sampler allocates nothing after its first step, instead of
 * gigabytes per step left to the garbage collector.
 *
 * <p>Consequence for callers: arrays a graph returns are reused by the graph's next execution on the same
 * thread; public methods that hand results to users copy them, internal callers consume them first.
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
        if (s != null && s.getMmgr() instanceof AliasAwareMemoryMgr m) {
            m.startExecution();
            return;
        }
        if (!sd.getListeners().contains(AliasListener.INSTANCE)) {
            sd.addListeners(AliasListener.INSTANCE);
        }
        InferenceSession safe = new InferenceSession(sd);
        safe.setMmgr(new AliasAwareMemoryMgr());
        sd.getSessions().put(thread, safe);
    }

    /** Tells the executing thread's memory manager where each op starts and what it produced. */
    static final class AliasListener extends BaseListener {
        static final AliasListener INSTANCE = new AliasListener();

        @Override
        public boolean isActive(Operation operation) {
            return true;
        }

        @Override
        public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
            AliasAwareMemoryMgr m = manager(sd);
            if (m != null) {
                m.opStarted();
            }
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                                INDArray[] outputs) {
            AliasAwareMemoryMgr m = manager(sd);
            if (m != null && outputs != null) {
                m.opFinished(outputs);
            }
        }

        private static AliasAwareMemoryMgr manager(SameDiff sd) {
            InferenceSession s = sd.getSessions().get(Thread.currentThread().getId());
            return s != null && s.getMmgr() instanceof AliasAwareMemoryMgr m ? m : null;
        }
    }

    /**
     * Reuses released arrays of the same type and shape: at once, unless a later op's output aliased the array
     * (then only in the next execution).
     */
    static final class AliasAwareMemoryMgr extends AbstractMemoryMgr {
        private final Map<String, Deque<INDArray>> available = new HashMap<>();
        private final List<INDArray> deferred = new ArrayList<>();
        private final Map<INDArray, Long> handedOut = new IdentityHashMap<>();     // array -> op that allocated it
        private final Map<DataBuffer, INDArray> byBuffer = new IdentityHashMap<>();
        private final Set<INDArray> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
        private long op;

        void startExecution() {
            for (INDArray a : deferred) {
                pool(a).push(a);
            }
            deferred.clear();
            // arrays never released (SameDiff releases almost nothing in a gradient execution, and keeps the
            // outputs it returned): the previous execution is over and callers consume its results before the
            // next one, so they are free again
            for (INDArray a : handedOut.keySet()) {
                pool(a).push(a);
            }
            handedOut.clear();
            byBuffer.clear();
            pinned.clear();
        }

        void opStarted() {
            op++;
        }

        /** Pins every handed-out array that one of these outputs aliases, unless this op allocated it. */
        void opFinished(INDArray[] outputs) {
            for (INDArray out : outputs) {
                if (out == null) {
                    continue;
                }
                INDArray base = byBuffer.get(root(out.data()));
                if (base != null && handedOut.getOrDefault(base, op) != op) {
                    pinned.add(base);
                }
            }
        }

        private static DataBuffer root(DataBuffer b) {
            while (b.originalDataBuffer() != null && b.originalDataBuffer() != b) {
                b = b.originalDataBuffer();
            }
            return b;
        }

        private Deque<INDArray> pool(INDArray a) {
            return available.computeIfAbsent(key(a.dataType(), a.shape()), k -> new ArrayDeque<>());
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
            handedOut.put(a, op);
            byBuffer.put(root(a.data()), a);
            return a;
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            return allocate(detached, descriptor.dataType(), descriptor.getShape());
        }

        @Override
        public void release(INDArray array) {
            if (handedOut.remove(array) == null) {
                return;
            }
            byBuffer.remove(root(array.data()));
            if (pinned.remove(array)) {
                deferred.add(array);
            } else {
                pool(array).push(array);
            }
        }

        @Override
        public void close() {
            available.clear();
            deferred.clear();
            handedOut.clear();
            byBuffer.clear();
            pinned.clear();
        }
    }
}
