import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;

import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Prints every op of the U-Net's SameDiff graphs for a config (evaluation and training mode, with and without
 * closed-form gradients): name, op, inputs and outputs, in the graph's order. Two builds that print the same lines
 * build the same graphs, so a refactoring that keeps them keeps the outputs and the speed of every plan. Through
 * reflection, so that one file runs against any build of ddim4j (a single-file Java program):
 *
 * <pre>
 * mvn -q install -DskipTests
 * java -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:$(cat samples/target/classpath.txt)" \
 *     scripts/GraphOps.java dl4j-ddim/src/test/resources/parity-small/config.yml > ops.txt
 * </pre>
 */
public class GraphOps {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp CLASSPATH scripts/GraphOps.java CONFIG.yml");
            System.exit(2);
        }
        Class<?> configType = Class.forName("org.ddim4j.config.DdimConfig");
        Object config = Class.forName("org.ddim4j.config.ConfigLoader").getMethod("load", Path.class)
                .invoke(null, Path.of(args[0]));
        Object network = configType.getMethod("network").invoke(config);
        Object data = configType.getMethod("data").invoke(config);
        Object shape = data.getClass().getMethod("shape").invoke(data);
        Class<?> unet = Class.forName("org.ddim4j.unet.UNet");
        Object net = null;
        for (Method m : unet.getMethods()) {
            if (m.getName().equals("create") && m.getParameterCount() == 3) {
                net = m.invoke(null, network, shape, 0L);
            }
        }
        Class<?> architecture = Class.forName("org.ddim4j.unet.UNetArchitecture");
        Class<?> parameters = Class.forName("org.ddim4j.unet.Parameters");
        Class<?> mode = Class.forName("org.ddim4j.unet.GraphMode");
        Class<?> graph = Class.forName("org.ddim4j.unet.UNetGraph");
        Object arch = unet.getMethod("architecture").invoke(net);
        Object params = unet.getMethod("parameters").invoke(net);
        Method build = graph.getMethod("build", architecture, parameters, mode, boolean.class);
        for (Object m : mode.getEnumConstants()) {
            for (boolean closedForm : new boolean[]{false, true}) {
                SameDiff sd = (SameDiff) graph.getMethod("sameDiff").invoke(build.invoke(null, arch, params, m, closedForm));
                System.out.println("== " + m + " closed-form gradients " + closedForm + ": " + sd.getOps().size() + " ops");
                for (SameDiffOp op : sd.getOps().values()) {
                    System.out.println(op.getName() + " " + op.getOp().opName() + " " + op.getInputsToOp() + " -> "
                            + op.getOutputsOfOp());
                }
            }
        }
    }
}
