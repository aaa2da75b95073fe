package tmp;

import org.ddim4j.config.NetworkConfig;
import org.ddim4j.train.TrainingGraph;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.List;

class TimingTest {
    void time(String name, NetworkConfig nc, int size, int batch) {
        UNet net = UNet.create(nc, List.of(3, size, size), 1);
        TrainingGraph tg = new TrainingGraph(net.architecture(), net.parameters(), "l1");
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, 3, size, size);
        INDArray t = Nd4j.rand(DataType.FLOAT, batch).muli(999);
        for (int i = 0; i < 2; i++) tg.run(x, t, x, Nd4j.getRandom());
        long s = System.nanoTime();
        int n = 4;
        for (int i = 0; i < n; i++) tg.run(x, t, x, Nd4j.getRandom());
        double step = (System.nanoTime() - s) / 1e9 / n;
        for (int i = 0; i < 2; i++) net.predictNoise(x, t);
        s = System.nanoTime();
        for (int i = 0; i < n; i++) net.predictNoise(x, t);
        double fwd = (System.nanoTime() - s) / 1e9 / n;
        System.out.printf("TIMING %s params=%d batch=%d step=%.3fs fwd=%.3fs%n", name, net.parameters().trainableCount(), batch, step, fwd);
    }
    @Test
    void run() {
        time("parity32", new NetworkConfig(32, 2, List.of(1, 2, 2), List.of(16), 128, 0.1, 8, 0.9995, true), 32, 16);
        time("tiny32", new NetworkConfig(32, 1, List.of(1, 2, 2), List.of(8), 128, 0.0, 8, 0.999, true), 32, 16);
        time("tiny32nb", new NetworkConfig(32, 1, List.of(1, 2, 2), List.of(), 128, 0.0, 8, 0.999, true), 32, 32);
        time("small64", new NetworkConfig(32, 1, List.of(1, 2, 2, 2), List.of(16), 128, 0.0, 8, 0.999, true), 64, 16);
    }
}
