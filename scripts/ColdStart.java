import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.Bounds;
import org.ddim4j.io.Npz;
import org.ddim4j.io.Safetensors;
import org.ddim4j.unet.UNet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a one-shot command's time goes: the phases of {@code ./ddim forward} in a fresh JVM, each timed on its own
 * (wall clock, milliseconds): the JVM's start until main, ND4J's initialisation (native libraries, backend), the
 * config, reading the safetensors file, the finiteness check of its tensors, the network from the state dict
 * (layout changes, the same check), the evaluation graph (SameDiff), the first run of a batch shape (compiling its
 * plan, which runs it), two more runs, and then the same for batch 1. A single-file Java program:
 *
 * <pre>
 * mvn -q install -DskipTests
 * source scripts/native-env.sh
 * java -XX:TieredStopAtLevel=1 -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:$(cat samples/target/classpath.txt)" \
 *     scripts/ColdStart.java dl4j-ddim/src/test/resources/parity-small/config.yml \
 *     dl4j-ddim/src/test/resources/parity-small/small_unet.safetensors IN.npz
 * </pre>
 * IN.npz holds x float32 [B, C, H, W] and t [B], as {@code ./ddim forward} reads them. The JVM options are the
 * launcher's to choose (its default adds {@code -XX:TieredStopAtLevel=1}; {@code DDIM_JIT=full} drops it).
 */
public class ColdStart {
    private static long last = System.nanoTime();

    private static void phase(String name) {
        long now = System.nanoTime();
        System.out.printf("%8.0f ms  %s%n", (now - last) / 1e6, name);
        last = now;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java -cp ... scripts/ColdStart.java CONFIG.yml WEIGHTS.safetensors IN.npz");
            System.exit(2);
        }
        System.out.printf("%8d ms  JVM start until main%n", ManagementFactory.getRuntimeMXBean().getUptime());
        last = System.nanoTime();
        Nd4j.create(1);
        phase("ND4J initialised (native libraries, backend)");
        DdimConfig config = ConfigLoader.loadPathOrPreset(args[0]);
        phase("config read");
        Map<String, INDArray> tensors = Safetensors.read(Path.of(args[1])).tensors();
        phase("safetensors read (" + tensors.size() + " tensors)");
        for (INDArray a : tensors.values()) {
            Bounds.allFinite(a);
        }
        phase("finiteness of every tensor");
        UNet net = UNet.fromStateDict(config.network(), config.data().shape(), tensors, args[1]);
        phase("network from the state dict");
        Map<String, INDArray> in = Npz.read(Path.of(args[2]));
        INDArray x = in.get("x");
        INDArray t = in.get("t");
        phase("input read");
        net.evalGraph();
        phase("evaluation graph built (SameDiff)");
        for (int i = 0; i < 3; i++) {
            net.predictNoise(x, t);
            phase("batch " + x.size(0) + ", run " + (i + 1) + (i == 0 ? " (compiles the plan, which runs it)" : ""));
        }
        if (x.size(0) > 1) {
            INDArray x1 = x.get(NDArrayIndex.interval(0, 1)).dup();
            INDArray t1 = t.get(NDArrayIndex.interval(0, 1)).dup();
            for (int i = 0; i < 3; i++) {
                net.predictNoise(x1, t1);
                phase("batch 1, run " + (i + 1) + (i == 0 ? " (compiles the plan, which runs it)" : ""));
            }
        }
    }
}
