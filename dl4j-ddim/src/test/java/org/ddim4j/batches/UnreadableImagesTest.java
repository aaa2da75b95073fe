package org.ddim4j.batches;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A damaged image in a streamed dataset is skipped, counted and replaced; --strict stops at it with one line. */
class UnreadableImagesTest {
    /** Image i is a constant i; image 2 is damaged. */
    private static INDArray load(int i) throws IOException {
        if (i == 2) {
            throw new IOException("img2.png: not a decodable image");
        }
        return Nd4j.valueArrayOf(new long[]{1, 2, 2}, (float) i, DataType.FLOAT);
    }

    @Test
    void aDamagedImageIsSkippedCountedAndReplacedRepeatably() {
        ShuffledBatches data = new ShuffledBatches(4, UnreadableImagesTest::load, 5);
        INDArray first = data.batch(0, 8);                               // two epochs: image 2 is met twice
        assertEquals(1, data.unreadable());
        for (int k = 0; k < 8; k++) {
            assertTrue(first.getFloat(k, 0, 0, 0) != 2f, "the damaged image never reaches a batch");
        }
        assertEquals(first, new ShuffledBatches(4, UnreadableImagesTest::load, 5).batch(0, 8), "the same batches again");
    }

    @Test
    void strictStopsAtTheFirstDamagedImage() {
        ShuffledBatches data = new ShuffledBatches(4, UnreadableImagesTest::load, 5).strict();
        var e = assertThrows(IllegalArgumentException.class, () -> data.batch(0, 8));
        assertTrue(e.getMessage().contains("#2") && e.getMessage().contains("img2.png"), e.getMessage());
    }

    /**
     * Labels travel with their images: image i (a constant i) is labelled i mod 3, so each batch position's label is
     * its pixel value mod 3, also where a damaged image's place is taken by the next readable one, in memory and
     * streamed, over several epochs.
     */
    @Test
    void eachLabelIsTheLabelOfTheImageInItsPlace() {
        int[] labels = {0, 1, 2, 0};
        java.util.List<String> names = java.util.List.of("a", "b", "c");
        ShuffledBatches streamed = new ShuffledBatches(4, UnreadableImagesTest::load, 5).withLabels(names, labels);
        INDArray all = Nd4j.concat(0, Nd4j.valueArrayOf(new long[]{1, 1, 2, 2}, 0f), Nd4j.valueArrayOf(new long[]{1, 1, 2, 2}, 1f),
                Nd4j.valueArrayOf(new long[]{1, 1, 2, 2}, 2f), Nd4j.valueArrayOf(new long[]{1, 1, 2, 2}, 3f));
        ShuffledBatches inMemory = new ShuffledBatches(all, 5).withLabels(names, labels);
        for (ShuffledBatches data : java.util.List.of(streamed, inMemory)) {
            assertEquals(names, data.classNames());
            assertEquals(java.util.List.of(2, 1, 1), data.classCounts());
            for (long it = 0; it < 3; it++) {
                INDArray batch = data.batch(it, 6);
                int[] got = data.labels(it, 6);
                for (int k = 0; k < 6; k++) {
                    assertEquals(labels[(int) batch.getFloat(k, 0, 0, 0)], got[k], "iteration " + it + ", image " + k);
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new ShuffledBatches(all, 5).withLabels(names, new int[]{0, 1, 3, 0}));
        assertEquals("label 3 of training image #2 is outside 0..2", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> new ShuffledBatches(all, 5).labels(0, 2));
    }
}
