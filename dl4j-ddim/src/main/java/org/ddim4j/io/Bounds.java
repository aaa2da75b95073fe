package org.ddim4j.io;

import java.util.Arrays;

/**
 * The readers' size checks, in exact arithmetic: a file's dimensions, element counts and byte counts never
 * overflow, go negative or ask for more memory than the file can justify before anything is allocated.
 */
public final class Bounds {
    /** The most elements one array read from a file may hold (2^31 - 1, ND4J's Java-side buffers' limit). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private Bounds() {
    }

    /** The product of {@code dims}, each >= 0; a negative dimension or an overflow is a format error of {@code what}. */
    public static long elements(long[] dims, String what) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new TensorFormatException(what + ": negative dimension in shape " + Arrays.toString(dims));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new TensorFormatException(what + ": shape " + Arrays.toString(dims) + " overflows 64 bits");
            }
        }
        if (n > MAX_ELEMENTS) {
            throw new TensorFormatException(what + ": shape " + Arrays.toString(dims) + " holds " + n
                    + " elements, more than one array may hold (" + MAX_ELEMENTS + ")");
        }
        return n;
    }

    /** elements x itemSize bytes, exactly (elements is at most {@link #MAX_ELEMENTS}, items at most 8 bytes). */
    public static long bytes(long elements, int itemSize) {
        return Math.multiplyExact(elements, (long) itemSize);
    }

    /**
     * Refuses to hold {@code bytes} in the Java heap when they are more than half of what the heap can still grow to:
     * an out-of-memory error would otherwise kill the command (or the process) instead of naming the file.
     */
    public static void checkHeap(long bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available / 2) {
            throw new TensorFormatException(what + ": " + bytes + " bytes would not fit in the Java heap ("
                    + available + " bytes free; raise DDIM_HEAP to read it)");
        }
    }

    /** True when every value of {@code a} is a finite number (no NaN, no infinity); integer arrays always are. */
    public static boolean allFinite(org.nd4j.linalg.api.ndarray.INDArray a) {
        if (!a.dataType().isFPType() || a.isEmpty()) {
            return true;
        }
        // one pass in Java over a buffer that holds exactly the array's elements (in whatever order): four native
        // ops per array cost 0.5 ms each in a fresh JVM (a model's few hundred tensors took 140 ms that way), and
        // ND4J's isNaN misses NaN in float16 arrays; views and other types are copied to such a buffer first
        org.nd4j.linalg.api.buffer.DataType type = a.dataType();
        boolean ownsBuffer = !a.isView() && a.offset() == 0 && a.data().length() == a.length();
        boolean scannable = type == org.nd4j.linalg.api.buffer.DataType.FLOAT || type == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        org.nd4j.linalg.api.ndarray.INDArray whole = a;
        if (!(ownsBuffer && scannable)) {
            // a cast to another type is a new array of its own already; a view of the same type needs a copy
            org.nd4j.linalg.api.ndarray.INDArray cast = a.castTo(scannable ? type : org.nd4j.linalg.api.buffer.DataType.FLOAT);
            whole = cast == a || cast.isView() || cast.data().length() != cast.length() ? cast.dup('c') : cast;
        }
        int n = (int) whole.length();
        if (whole.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
            java.nio.DoubleBuffer b = whole.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        java.nio.FloatBuffer b = whole.data().asNioFloat();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
