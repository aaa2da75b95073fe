package org.ddim4j.evaluation;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SampleDrawsTest {
    private static DdimModel tinyModel() {
        DdimConfig c = ConfigLoader.parse("""
                data: {dataset: emoji, shape: [3, 8, 8]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [4], embed_channels: 16,
                          num_groups: 4}
                diffusion: {num_t: 100, num_t_steps: 3}
                """, "tiny.yml");
        return new DdimModel(c, UNet.create(c.network(), c.data().shape(), 5));
    }

    @Test
    void sampleIDependsOnTheSeedTheBatchSizeAndINotOnTheCount() {
        DdimModel model = tinyModel();
        DdimSampler sampler = model.sampler(3, TimestepSpacing.UNIFORM, 0.0);
        List<Integer> progress = new ArrayList<>();
        INDArray five = SampleDraws.draw(model, sampler, 5, 2, 11, progress::add);
        assertEquals(List.of(2, 4, 5), progress);
        INDArray four = SampleDraws.draw(model, sampler, 4, 2, 11, n -> {
        });
        assertEquals(four, five.get(NDArrayIndex.interval(0, 4)));
        assertNotEquals(four, SampleDraws.draw(model, sampler, 4, 2, 12, n -> {
        }), "another seed, other samples");
    }
}
