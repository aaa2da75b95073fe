package tmp;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.*;
import org.nd4j.linalg.factory.Nd4j;
import org.ddim4j.unet.Sessions;
import java.util.Map;

class ConvTest {
    void time(String fmt, int b, int c, int s) {
        SameDiff sd = SameDiff.create();
        boolean nhwc = fmt.equals("NHWC");
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, nhwc ? new long[]{-1, s, s, c} : new long[]{-1, c, s, s});
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3, c, c));
        SDVariable bias = sd.var("b", Nd4j.rand(DataType.FLOAT, c));
        Conv2DConfig cfg = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1).paddingMode(PaddingMode.VALID).dataFormat(fmt).build();
        SDVariable y = sd.cnn().conv2d(x, w, bias, cfg);
        y.mul(y).mean().rename("loss");
        sd.setLossVariables("loss");
        INDArray in = Nd4j.rand(DataType.FLOAT, nhwc ? new long[]{b, s, s, c} : new long[]{b, c, s, s});
        Sessions.useSafeSession(sd);
        for (int i = 0; i < 3; i++) sd.output(Map.of("x", in), "loss");
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) sd.output(Map.of("x", in), "loss");
        double fwd = (System.nanoTime() - t0) / 1e7;
        org.ddim4j.unet.UNetGraph.createGradientFunctionQuietly(sd);
        for (int i = 0; i < 3; i++) { Sessions.useSafeSession(sd); sd.calculateGradients(Map.of("x", in), "w", "b"); }
        t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) { Sessions.useSafeSession(sd); sd.calculateGradients(Map.of("x", in), "w", "b"); }
        double bwd = (System.nanoTime() - t0) / 1e7;
        double gflop = 2.0 * b * s * s * c * c * 9 / 1e9;
        System.out.printf("CONV %s b=%d c=%d s=%d fwd=%.2fms (%.1f GFLOP/s) fwd+bwd=%.2fms%n", fmt, b, c, s, fwd, gflop / (fwd / 1e3), bwd);
    }
    @Test
    void run() {
        time("NCHW", 16, 64, 16); time("NHWC", 16, 64, 16);
        time("NCHW", 16, 32, 32); time("NHWC", 16, 32, 32);
        time("NCHW", 16, 128, 8);
    }
}
