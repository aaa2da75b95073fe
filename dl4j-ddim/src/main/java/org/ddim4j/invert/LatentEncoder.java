package org.ddim4j.invert;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.NetworkConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.model.WeightsLoader;
import org.ddim4j.unet.UNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Learning-based inversion's network: image to latent in one forward pass. It is a U-Net of the project's
 * architecture whose timestep input is always 0, so its time embedding reduces to learned per-block
 * biases: a U-Net without time input. Saved as a model file like any other network.
 */
public final class LatentEncoder {
    private final DdimConfig config;
    private final UNet network;

    public LatentEncoder(DdimConfig config, UNet network) {
        this.config = config;
        this.network = network;
    }

    /**
     * The encoder's configuration for a DDIM: the model's U-Net at half the channels (at least 32), GroupNorm
     * with 8 groups, no dropout; the model's data and diffusion sections.
     */
    public static DdimConfig configFor(DdimConfig model) {
        NetworkConfig n = model.network();
        NetworkConfig e = new NetworkConfig(Math.max(32, n.hiddenChannels() / 2), n.numBlocks(), n.channelMults(),
                n.attentionSizes(), n.embedChannels(), 0.0, 8, n.ema(), n.doConvSample());
        return model.withNetwork(e);
    }

    /** A new, randomly initialised encoder for a DDIM. */
    public static LatentEncoder create(DdimConfig model, long seed) {
        DdimConfig c = configFor(model);
        return new LatentEncoder(c, UNet.create(c.network(), c.data().shape(), seed));
    }

    public DdimConfig config() {
        return config;
    }

    public UNet network() {
        return network;
    }

    /** Latents [B, C, H, W] of images in [0, 1]. */
    public INDArray encode(INDArray images) {
        INDArray x = images.castTo(DataType.FLOAT).mul(2).subi(1);
        return network.predictNoise(x, Nd4j.zeros(DataType.FLOAT, x.size(0)));
    }

    public void save(Path file) throws IOException {
        ModelFile.save(new DdimModel(config, network), file);
    }

    public static LatentEncoder load(Path file) {
        DdimModel m = WeightsLoader.load(file, null);
        return new LatentEncoder(m.config(), m.network());
    }
}
