package org.ddim4j.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The arrays of a plan being compiled, by variable name, and the slabs they live in. An op's output is a view
 * of a free slab of its data type that holds it with at most half of the slab unused, else of a new slab; a slab
 * is free again once no live name (views and aliases included) refers to it. A plan thus holds about as much
 * memory as the live set at its widest point, not every intermediate.
 */
final class BufferPool {
    private final Map<String, INDArray> values = new HashMap<>();
    private final Map<INDArray, Integer> liveNames = new IdentityHashMap<>();
    private final Map<DataType, TreeMap<Long, Deque<INDArray>>> free = new HashMap<>();
    private final Set<INDArray> slabs = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, INDArray> rootOf = new IdentityHashMap<>();   // view -> the buffer it shows
    private long bytes;

    /** The array bound to a computed name; it must have been computed. */
    INDArray value(String name) {
        INDArray a = values.get(name);
        if (a == null) {
            throw new IllegalStateException("variable '" + name + "' was read before it was computed");
        }
        return a;
    }

    /** Binds {@code name} to a view of a slab: the smallest free one that fits without wasting half, else new. */
    INDArray allocate(String name, DataType type, long[] shape) {
        long length = Math.max(1, shapeLength(shape));
        TreeMap<Long, Deque<INDArray>> pool = free.computeIfAbsent(type, k -> new TreeMap<>());
        Map.Entry<Long, Deque<INDArray>> fit = pool.ceilingEntry(length);
        INDArray slab;
        if (fit != null && fit.getKey() <= 2 * length) {
            slab = fit.getValue().pop();
            if (fit.getValue().isEmpty()) {
                pool.remove(fit.getKey());
            }
        } else {
            slab = Nd4j.createUninitialized(type, length);
            bytes += length * type.width();
        }
        slabs.add(slab);
        INDArray a = shape.length == 1 && shape[0] == slab.length() ? slab
                : Nd4j.create(slab.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
        rootOf.put(a, slab);
        define(name, a);
        return a;
    }

    /** A c-ordered view of {@code in}'s buffer in another shape, living as long as the buffer does. */
    INDArray view(INDArray in, long[] shape) {
        INDArray view = Nd4j.create(in.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', in.dataType());
        rootOf.put(view, root(in));
        return view;
    }

    /** An array the plan owns outside the slabs (placeholder copies, zeros): counted, never reused. */
    INDArray own(INDArray a) {
        bytes += a.length() * a.dataType().width();
        return a;
    }

    /** Binds {@code name} to {@code a} (an alias keeps {@code a}'s buffer alive too). */
    void define(String name, INDArray a) {
        values.put(name, a);
        liveNames.merge(root(a), 1, Integer::sum);
    }

    /** Binds {@code name} to an array that is neither a slab nor counted (a parameter, a caller's output array). */
    void bindUncounted(String name, INDArray a) {
        values.put(name, a);
    }

    /** A name is dead; its buffer is free once no live name (views and identities included) refers to it. */
    void forget(String name) {
        INDArray a = values.get(name);
        INDArray slab = a == null ? null : root(a);
        if (slab == null || !liveNames.containsKey(slab)) {
            return;
        }
        int left = liveNames.merge(slab, -1, Integer::sum);
        if (left == 0) {
            liveNames.remove(slab);
            if (!slabs.contains(slab)) {
                return; // placeholder copies and parameters (aliased by an identity) are never reused
            }
            free.computeIfAbsent(slab.dataType(), k -> new TreeMap<>())
                    .computeIfAbsent(slab.length(), k -> new ArrayDeque<>()).push(slab);
        }
    }

    /** Bytes of the slabs and the owned arrays. */
    long bytes() {
        return bytes;
    }

    private INDArray root(INDArray a) {
        return rootOf.getOrDefault(a, a);
    }

    private static long shapeLength(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
