package org.ddim4j.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

/**
 * Batches from images held in memory, as a shuffling data loader serves them: every epoch visits each image
 * once in an order drawn from (seed, epoch). Image k of the run (k = iteration x batch + i, counting from 0)
 * is position k mod N of epoch k / N, so any iteration's batch can be produced directly.
 */
public final class ShuffledBatches implements BatchSource {
    private final INDArray images;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    /** @param images [N, C, H, W] in [-1, 1] */
    public ShuffledBatches(INDArray images, long seed) {
        if (images.rank() != 4 || images.size(0) == 0) {
            throw new IllegalArgumentException("need a non-empty [N, C, H, W] array of images");
        }
        this.images = images.castTo(DataType.FLOAT);
        this.seed = seed;
    }

    @Override
    public int size() {
        return (int) images.size(0);
    }

    @Override
    public INDArray batch(long iteration, int batchSize) {
        int n = size();
        int[] idx = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            long k = iteration * batchSize + i;
            idx[i] = order(k / n)[(int) (k % n)];
        }
        return Nd4j.pullRows(images.reshape(n, -1), 1, idx).reshape(batchSize, images.size(1), images.size(2),
                images.size(3));
    }

    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            int n = size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            cachedOrder = perm;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** The images themselves (for sample grids of training data). */
    public INDArray images(int count) {
        return images.get(NDArrayIndex.interval(0, Math.min(count, size())), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).dup();
    }
}
