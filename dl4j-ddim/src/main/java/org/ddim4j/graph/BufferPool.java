package org.ddim4j.graph;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The arrays of a plan being compiled, by variable name, and the memory they live in. An op's output is a view
 * of a block of a slab: the smallest free block of its data type that holds it (best fit), split so that the rest
 * stays free, else a new slab of its size. A block is free again once no live name (views and aliases included)
 * refers to it, and merges with the free blocks beside it in its slab. A plan thus holds about as much memory as
 * the live set at its widest point, not every intermediate (docs/PERFORMANCE.md: the 64x64 training plan at batch 8
 * holds 1,571 MB for a largest live set of 1,369 MB; whole slabs reused at up to twice the size held 1,709).
 */
final class BufferPool {
    /** Blocks start at multiples of 64 bytes, the alignment oneDNN's vector kernels want. */
    private static final long ALIGNMENT_BYTES = 64;
    /** The data types whose blocks are split (a block past a slab's start is a buffer of its own: see startingAt). */
    private static final Set<DataType> SPLIT_TYPES = Set.of(DataType.FLOAT, DataType.DOUBLE);

    /** A range of a slab, in elements of its data type; reused by identity. */
    private static final class Block {
        final INDArray slab;
        final int slabId;
        final long offset;
        final long length;

        Block(INDArray slab, int slabId, long offset, long length) {
            this.slab = slab;
            this.slabId = slabId;
            this.offset = offset;
            this.length = length;
        }

        long end() {
            return offset + length;
        }
    }

    private static final Comparator<Block> BY_SIZE = Comparator.<Block>comparingLong(b -> b.length)
            .thenComparingInt(b -> b.slabId).thenComparingLong(b -> b.offset);

    private final Map<String, INDArray> values = new HashMap<>();
    private final Map<Object, Integer> liveNames = new IdentityHashMap<>();   // by block, or by an array of its own
    private final Map<INDArray, Object> rootOf = new IdentityHashMap<>();     // view -> the block or array it shows
    private final Map<DataType, TreeSet<Block>> free = new HashMap<>();
    private final Map<Integer, TreeMap<Long, Block>> freeInSlab = new HashMap<>();   // by slab, by offset
    private int slabs;
    private long bytes;

    /** The array bound to a computed name; it must have been computed. */
    INDArray value(String name) {
        INDArray a = values.get(name);
        if (a == null) {
            throw new IllegalStateException("variable '" + name + "' was read before it was computed");
        }
        return a;
    }

    /** Binds {@code name} to a view of the smallest free block that holds it (the rest stays free), else of a new slab. */
    INDArray allocate(String name, DataType type, long[] shape) {
        long length = Math.max(1, shapeLength(shape));
        long unit = Math.max(1, ALIGNMENT_BYTES / type.width());
        long size = (length + unit - 1) / unit * unit;
        TreeSet<Block> pool = free.computeIfAbsent(type, k -> new TreeSet<>(BY_SIZE));
        Block fit = pool.ceiling(new Block(null, Integer.MIN_VALUE, Long.MIN_VALUE, size));
        boolean splits = SPLIT_TYPES.contains(type);
        if (fit != null && !splits && fit.length > 2 * size) {
            fit = null;           // a block of its own (at most half of it unused), as it cannot be split
        }
        Block used;
        if (fit != null) {
            removeFree(fit);
            used = new Block(fit.slab, fit.slabId, fit.offset, splits ? size : fit.length);
            if (splits && fit.length > size) {
                addFree(new Block(fit.slab, fit.slabId, fit.offset + size, fit.length - size));
            }
        } else {
            INDArray slab = Nd4j.createUninitialized(type, size);
            bytes += size * type.width();
            used = new Block(slab, slabs++, 0, size);
        }
        INDArray a = used.offset == 0 && shape.length == 1 && shape[0] == used.slab.length() ? used.slab
                : Nd4j.create(used.offset == 0 ? used.slab.data() : startingAt(used), shape, Nd4j.getStrides(shape, 'c'), 0,
                'c', type);
        rootOf.put(a, used);
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

    /** A name is dead; its block is free once no live name (views and identities included) refers to it. */
    void forget(String name) {
        INDArray a = values.get(name);
        Object root = a == null ? null : root(a);
        if (root == null || !liveNames.containsKey(root)) {
            return;
        }
        int left = liveNames.merge(root, -1, Integer::sum);
        if (left == 0) {
            liveNames.remove(root);
            // placeholder copies and parameters (aliased by an identity) are arrays of their own, never reused
            if (root instanceof Block b) {
                release(b);
            }
        }
    }

    /** Bytes of the slabs and the owned arrays. */
    long bytes() {
        return bytes;
    }

    /**
     * A buffer of its own over a block that starts past its slab's start. (ND4J's views with an offset are not
     * enough: ND4J M2.1 checks a view's own views, e.g. the per-sample slices of {@link PerSampleProducts}, against
     * the first view's length with offsets counted from the slab's start, and gives empty arrays for the later
     * ones.) The buffer does not own the memory and is never freed through it; its pointer refers to the slab, so
     * the slab lives as long as any array over it.
     */
    private static DataBuffer startingAt(Block b) {
        INDArray slab = b.slab;
        DataType type = slab.dataType();
        Pointer at = new Pointer() {
            {
                this.address = slab.data().addressPointer().address() + b.offset * type.width();
            }
        };
        return switch (type) {
            case FLOAT -> {
                FloatPointer p = new FloatPointer(at) {
                    private final INDArray memory = slab;
                }.capacity(b.length).limit(b.length);
                yield Nd4j.createBuffer(p, type, b.length, FloatIndexer.create(p));
            }
            case DOUBLE -> {
                DoublePointer p = new DoublePointer(at) {
                    private final INDArray memory = slab;
                }.capacity(b.length).limit(b.length);
                yield Nd4j.createBuffer(p, type, b.length, DoubleIndexer.create(p));
            }
            default -> throw new IllegalStateException("blocks of " + type + " are not split");
        };
    }

    /** Frees a block, merged with the free blocks just before and after it in its slab. */
    private void release(Block b) {
        TreeMap<Long, Block> inSlab = freeInSlab.computeIfAbsent(b.slabId, k -> new TreeMap<>());
        long offset = b.offset;
        long end = b.end();
        Map.Entry<Long, Block> before = inSlab.lowerEntry(offset);
        if (before != null && before.getValue().end() == offset) {
            removeFree(before.getValue());
            offset = before.getValue().offset;
        }
        Block after = inSlab.get(end);
        if (after != null) {
            removeFree(after);
            end = after.end();
        }
        addFree(new Block(b.slab, b.slabId, offset, end - offset));
    }

    private void addFree(Block b) {
        free.computeIfAbsent(b.slab.dataType(), k -> new TreeSet<>(BY_SIZE)).add(b);
        freeInSlab.computeIfAbsent(b.slabId, k -> new TreeMap<>()).put(b.offset, b);
    }

    private void removeFree(Block b) {
        free.get(b.slab.dataType()).remove(b);
        freeInSlab.get(b.slabId).remove(b.offset);
    }

    private Object root(INDArray a) {
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
