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
}
