package org.ddim4j.samples;

import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.unet.UNetArchitecture;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** {@code ./ddim forward}: one pass of the epsilon-network on arrays from an npz file. */
@Command(name = "forward", description = "run the U-Net on x and t from an npz file, write eps")
final class ForwardCommand extends DdimCommand {
    @Mixin
    ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "IN.npz",
            description = "npz with x float32 [B,C,H,W] and t [B] (float or int)")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.npz", description = "npz that receives eps float32 [B,C,H,W]")
    Path output;

    @Override
    void run(PrintStream out) throws Exception {
        DdimModel m = model.load();
        Map<String, INDArray> arrays = Npz.read(input);
        INDArray x = require(arrays, "x", input);
        INDArray t = require(arrays, "t", input);
        UNetArchitecture arch = m.network().architecture();
        long c = arch.inChannels();
        long s = arch.size();
        if (x.rank() != 4 || x.size(1) != c || x.size(2) != s || x.size(3) != s) {
            throw new IllegalArgumentException(input + ": x has shape " + Arrays.toString(x.shape())
                    + ", the network expects [B, " + c + ", " + s + ", " + s + "]");
        }
        if (t.rank() == 0) {
            t = t.reshape(1);
        }
        if (t.rank() != 1 || t.size(0) != x.size(0)) {
            throw new IllegalArgumentException(input + ": t has shape " + Arrays.toString(t.shape())
                    + ", expected [" + x.size(0) + "] (one timestep per image of x)");
        }
        boolean xFinite = org.ddim4j.io.Bounds.allFinite(x);
        if (!xFinite || !org.ddim4j.io.Bounds.allFinite(t)) {
            throw new IllegalArgumentException(input + ": " + (xFinite ? "t" : "x") + " holds NaN or infinite values");
        }
        double maxT = t.castTo(DataType.DOUBLE).maxNumber().doubleValue();
        double minT = t.castTo(DataType.DOUBLE).minNumber().doubleValue();
        if (minT < 0 || maxT >= m.config().diffusion().numT()) {
            throw new IllegalArgumentException(input + ": t must lie in [0, " + m.config().diffusion().numT()
                    + "), got values in [" + minT + ", " + maxT + "]");
        }
        INDArray eps = m.network().predictNoise(x.castTo(DataType.FLOAT), t.castTo(DataType.FLOAT));
        Npz.write(output, Map.of("eps", eps));
        out.println("wrote eps " + Arrays.toString(eps.shape()) + " to " + output);
    }

    private static INDArray require(Map<String, INDArray> arrays, String name, Path file) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException(file + " has no array '" + name + "' (it holds " + arrays.keySet() + ")");
        }
        return a;
    }
}
