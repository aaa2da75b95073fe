package org.ddim4j.batches;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** training.class_repeats: each image of a repeated class fills that many places of every epoch, and nothing else changes. */
class ClassRepeatsTest {
    /** Seven images, image i a constant i: images 0-1 of class "rare", 2-6 of class "common". */
    private static final int[] LABELS = {0, 0, 1, 1, 1, 1, 1};
    private static final List<String> NAMES = List.of("rare", "common");

    private static ShuffledBatches labelled(long seed) {
        INDArray images = Nd4j.arange(LABELS.length).castTo(DataType.FLOAT).reshape(LABELS.length, 1, 1, 1)
                .broadcast(LABELS.length, 1, 2, 2).dup();
        return new ShuffledBatches(images, seed).withLabels(NAMES, LABELS);
    }

    /** Image k of the run, k counted from 0, as the batch of its iteration holds it (batch size 3). */
    private static int[] firstImages(ShuffledBatches data, int count) {
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = (int) data.batch(k / 3, 3).getFloat(k % 3, 0, 0, 0);
        }
        return out;
    }

    @Test
    void everyEpochShowsARepeatedClassItsRepeatTimesAndTheOthersOnce() {
        ShuffledBatches data = labelled(5).withClassRepeats(Map.of("rare", 4));
        assertEquals(2 * 4 + 5, data.epochLength());
        assertEquals(7, data.size(), "the images are the same seven");
        assertEquals(List.of(2, 5), data.classCounts(), "the classes' counts are the images', not the visits'");
        int epoch = data.epochLength();
        // batches of 3 over 13 positions: iterations 0..12 cover exactly epochs 0, 1 and 2
        int[] images = firstImages(data, 3 * epoch);
        for (int e = 0; e < 3; e++) {
            int[] seen = new int[LABELS.length];
            for (int k = e * epoch; k < (e + 1) * epoch; k++) {
                seen[images[k]]++;
            }
            assertArrayEquals(new int[]{4, 4, 1, 1, 1, 1, 1}, seen, "epoch " + e);
        }
        // labels still travel with their images
        for (long it = 0; it < 13; it++) {
            INDArray batch = data.batch(it, 3);
            int[] labels = data.labels(it, 3);
            for (int k = 0; k < 3; k++) {
                assertEquals(LABELS[(int) batch.getFloat(k, 0, 0, 0)], labels[k], "iteration " + it + ", place " + k);
            }
        }
        // a function of (seed, iteration) alone, as a resumed run needs; another seed, another order
        assertArrayEquals(images, firstImages(labelled(5).withClassRepeats(Map.of("rare", 4)), 3 * epoch));
        assertTrue(!java.util.Arrays.equals(images, firstImages(labelled(6).withClassRepeats(Map.of("rare", 4)), 3 * epoch)));
    }

    @Test
    void noRepeatsOrRepeatOneLeavesTheBatchesAsTheyWere() {
        ShuffledBatches plain = labelled(5);
        assertSame(plain, plain.withClassRepeats(Map.of()));
        ShuffledBatches ones = plain.withClassRepeats(Map.of("rare", 1, "common", 1));
        assertEquals(plain.epochLength(), ones.epochLength());
        assertArrayEquals(firstImages(plain, 21), firstImages(ones, 21));
    }

    @Test
    void repeatsTheImagesCannotHonourAreRefusedWithOneLine() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> labelled(5).withClassRepeats(Map.of("Smileys", 3)));
        assertEquals("training.class_repeats names 'Smileys', which is not a class of the training images [rare, common]",
                unknown.getMessage());
        INDArray images = Nd4j.zeros(DataType.FLOAT, 3, 1, 2, 2);
        var unlabelled = assertThrows(IllegalArgumentException.class,
                () -> new ShuffledBatches(images, 5).withClassRepeats(Map.of("rare", 2)));
        assertTrue(unlabelled.getMessage().startsWith("training.class_repeats needs training images labelled"),
                unlabelled.getMessage());
        BatchSource other = new BatchSource() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public INDArray batch(long iteration, int batchSize) {
                return Nd4j.zeros(DataType.FLOAT, batchSize, 1, 2, 2);
            }
        };
        assertSame(other, other.withClassRepeats(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> other.withClassRepeats(Map.of("rare", 2)));
    }
}
