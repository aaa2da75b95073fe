package org.ddim4j;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.Npz;
import org.ddim4j.io.Safetensors;
import org.ddim4j.unet.UNet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The PyTorch reference of the seed's U-Net and sampler (see parity-small/README.md), as test resources. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path parityDir() {
        try {
            return Path.of(Fixtures.class.getResource("/parity-small/config.yml").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path parityFile(String name) {
        return parityDir().resolve(name);
    }

    public static DdimConfig parityConfig() {
        return ConfigLoader.load(parityFile("config.yml"));
    }

    public static UNet parityNetwork() {
        DdimConfig c = parityConfig();
        Path weights = parityFile("small_unet.safetensors");
        return UNet.fromStateDict(c.network(), c.data().shape(), Safetensors.read(weights).tensors(), weights.toString());
    }

    public static Map<String, INDArray> npz(String name) {
        return Npz.read(parityFile(name));
    }

    /** max |a - b|. */
    public static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
