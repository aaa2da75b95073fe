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

    private static final String[] FILES = {"config.yml", "forward.npz", "inversion_step.npz", "sample_quadratic.npz",
            "sample_uniform.npz", "schedule.npz", "small_unet.safetensors", "state_dict_names.txt", "meta.json"};
    private static Path dir;

    /** The fixture folder; when the fixtures are read from a jar (other modules' tests), a temporary copy. */
    public static synchronized Path parityDir() {
        if (dir != null) {
            return dir;
        }
        java.net.URL url = Fixtures.class.getResource("/parity-small/config.yml");
        try {
            if ("file".equals(url.getProtocol())) {
                dir = Path.of(url.toURI()).getParent();
            } else {
                dir = java.nio.file.Files.createTempDirectory("parity-small");
                for (String f : FILES) {
                    try (java.io.InputStream in = Fixtures.class.getResourceAsStream("/parity-small/" + f)) {
                        java.nio.file.Files.copy(in, dir.resolve(f));
                    }
                    dir.resolve(f).toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
            }
            return dir;
        } catch (URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("cannot locate the parity fixtures", e);
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
