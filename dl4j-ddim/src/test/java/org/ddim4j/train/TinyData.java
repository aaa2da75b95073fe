package org.ddim4j.train;

import org.ddim4j.batches.ShuffledBatches;
import org.ddim4j.config.Criterion;
import org.ddim4j.config.OptimizerName;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.config.DataConfig;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.Defaults;
import org.ddim4j.config.DiffusionConfig;
import org.ddim4j.config.NetworkConfig;
import org.ddim4j.config.OptimizerConfig;
import org.ddim4j.config.TrainingConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/** A tiny configuration and dataset (coloured discs on 8x8 images) that train in seconds. */
final class TinyData {
    private TinyData() {
    }

    static DdimConfig config(int numGroups, double dropout, int iterations, int saveFrequency) {
        DataConfig data = Defaults.data().withDataset(org.ddim4j.config.Dataset.CIFAR10, "/nonexistent").withShape(List.of(3, 8, 8));
        NetworkConfig net = new NetworkConfig(8, 1, List.of(1, 2), List.of(4), 16, dropout, numGroups, 0.9, true);
        DiffusionConfig diff = new DiffusionConfig(BetaSchedule.LINEAR, 1e-4, 0.02, 100, 5, 0.0, TimestepSpacing.UNIFORM, false, org.ddim4j.sampler.SamplerKind.DDIM);
        TrainingConfig tr = new TrainingConfig(8, 4, Criterion.L1, iterations, 1000, saveFrequency, false, 7);
        OptimizerConfig opt = new OptimizerConfig(OptimizerName.ADAM, 2e-3, 0.0, 0.9, 0.999, false, 1e-8, 1.0);
        return new DdimConfig(data, net, diff, tr, opt, Defaults.evaluation());
    }

    /** 16 images: a disc of one of four colours at one of four places, on grey. */
    static ShuffledBatches images() {
        float[] data = new float[16 * 3 * 64];
        float[][] colours = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, -1}};
        for (int n = 0; n < 16; n++) {
            int cx = 2 + (n % 4 >= 2 ? 3 : 0);
            int cy = 2 + (n % 2 == 1 ? 3 : 0);
            float[] col = colours[n / 4];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        boolean inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= 4;
                        data[((n * 3 + c) * 8 + y) * 8 + x] = inside ? col[c] : 0f;
                    }
                }
            }
        }
        return new ShuffledBatches(Nd4j.createFromArray(data).reshape(16, 3, 8, 8), 11);
    }
}
