package org.ddim4j.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BufferPoolTest {
    private static final long SLAB = 1024 * Float.BYTES;

    @Test
    void aFreeBlockIsSplitAndItsPartsMergeAgainWhenFreed() {
        BufferPool pool = new BufferPool();
        pool.allocate("a", DataType.FLOAT, new long[]{1024});
        pool.forget("a");
        INDArray b = pool.allocate("b", DataType.FLOAT, new long[]{16, 16});
        INDArray c = pool.allocate("c", DataType.FLOAT, new long[]{512});
        assertEquals(SLAB, pool.bytes(), "b and c share a's slab");
        b.assign(1);
        c.assign(2);
        assertEquals(256.0, b.sumNumber().doubleValue(), "b keeps its values beside c");
        assertEquals(1024.0, c.sumNumber().doubleValue());
        pool.forget("c");
        pool.forget("b");
        pool.allocate("d", DataType.FLOAT, new long[]{32, 32});
        assertEquals(SLAB, pool.bytes(), "the freed parts merge into one block that holds d");
        pool.allocate("e", DataType.FLOAT, new long[]{1});
        assertEquals(SLAB + 64, pool.bytes(), "a new slab, its size rounded to 64 bytes");
    }

    /** ND4J's own views of an array past a slab's start (its per-sample slices) show the right memory. */
    @Test
    void anArrayPastASlabsStartHasViewsOfItsOwnMemory() {
        BufferPool pool = new BufferPool();
        pool.allocate("a", DataType.FLOAT, new long[]{2048});
        pool.forget("a");
        INDArray first = pool.allocate("first", DataType.FLOAT, new long[]{1024});
        INDArray second = pool.allocate("second", DataType.FLOAT, new long[]{4, 16, 16});
        assertEquals(2048L * Float.BYTES, pool.bytes());
        first.assign(-1);
        for (int b = 0; b < 4; b++) {
            second.slice(b).assign(b);
        }
        for (int b = 0; b < 4; b++) {
            assertEquals(256.0 * b, second.slice(b).sumNumber().doubleValue(), "slice " + b);
        }
        assertEquals(-1024.0, first.sumNumber().doubleValue(), "the slices stay in second's block");
    }

    @Test
    void blocksOfTypesThatAreNotSplitHoldAtMostTwiceTheirSize() {
        BufferPool pool = new BufferPool();
        pool.allocate("a", DataType.INT32, new long[]{1024});
        pool.forget("a");
        pool.allocate("b", DataType.INT32, new long[]{256});
        assertEquals(SLAB + 256 * Integer.BYTES, pool.bytes(), "a quarter of a's block would waste three quarters: a new slab");
        pool.allocate("c", DataType.INT32, new long[]{600});
        assertEquals(SLAB + 256 * Integer.BYTES, pool.bytes(), "c fits a's block");
    }
}
