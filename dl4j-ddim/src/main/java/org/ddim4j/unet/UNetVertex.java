package org.ddim4j.unet;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole epsilon-network as one DL4J graph vertex, so a U-Net is a {@code ComputationGraph}
 * (inputs {@code x} [B, C, H, W] and {@code t} [B, 1], output eps [B, C, H, W]) that DL4J tools accept:
 * the model zoo, {@code output()}, listeners, serialisation. The graph is the same code as {@link UNetGraph},
 * in evaluation mode (BatchNorm uses its running statistics; no dropout).
 *
 * <p>Inference only: train with the project's trainer, because DL4J 1.0.0-M2.1's SameDiff layers double
 * their gradients and its dropout op has none (see the README). DL4J splits parameter keys at '_', so
 * parameters are keyed {@code p0, p1, ...} in the order of {@link #torchNames()}, the PyTorch names. A
 * class-conditional network predicts here for the null class (unconditionally): the vertex has no label input.
 */
public class UNetVertex extends SameDiffVertex {
    private String configYaml;
    private transient UNetArchitecture architecture;
    private transient List<ParamSpec> specs;

    /** For JSON deserialisation of network configurations. */
    @SuppressWarnings("unused")
    private UNetVertex() {
    }

    public UNetVertex(DdimConfig config) {
        this.configYaml = ConfigLoader.toYaml(config);
    }

    public String getConfigYaml() {
        return configYaml;
    }

    public void setConfigYaml(String configYaml) {
        this.configYaml = configYaml;
        this.architecture = null;
        this.specs = null;
    }

    public DdimConfig config() {
        return ConfigLoader.parse(configYaml, "UNetVertex configuration");
    }

    public UNetArchitecture architecture() {
        if (architecture == null) {
            architecture = UNetArchitecture.of(config());
        }
        return architecture;
    }

    /** The tensors this vertex holds: trainable parameters and BatchNorm running statistics. */
    private List<ParamSpec> specs() {
        if (specs == null) {
            List<ParamSpec> s = new ArrayList<>();
            for (ParamSpec p : architecture().params()) {
                if (p.kind().trainable() || p.kind() == ParamKind.RUNNING_STAT) {
                    s.add(p);
                }
            }
            specs = s;
        }
        return specs;
    }

    /** The PyTorch name of parameter {@code p<i>}. */
    public List<String> torchNames() {
        return specs().stream().map(ParamSpec::name).toList();
    }

    /** The DL4J parameter key of a PyTorch name. */
    public String key(String torchName) {
        int i = torchNames().indexOf(torchName);
        if (i < 0) {
            throw new IllegalArgumentException("the U-Net has no parameter " + torchName);
        }
        return "p" + i;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.clear();
        params.defineInputs("x", "t");
        List<ParamSpec> s = specs();
        for (int i = 0; i < s.size(); i++) {
            params.addWeightParam("p" + i, s.get(i).sameDiffShape());
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Parameters init = Parameters.initialize(architecture(), config().training().seed());
        List<ParamSpec> s = specs();
        for (int i = 0; i < s.size(); i++) {
            params.get("p" + i).assign(init.get(s.get(i).name()));
        }
    }

    /** Copies trained weights into the vertex's parameter arrays (by PyTorch name). */
    public void assign(Parameters trained, Map<String, INDArray> vertexParams) {
        List<ParamSpec> s = specs();
        for (int i = 0; i < s.size(); i++) {
            vertexParams.get("p" + i).assign(trained.get(s.get(i).name()));
        }
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> inputs, Map<String, SDVariable> paramTable,
                                   Map<String, SDVariable> maskVars) {
        List<String> names = torchNames();
        GraphContext ctx = new GraphContext(sd, GraphMode.EVAL, architecture().config().numGroups(),
                name -> paramTable.get("p" + names.indexOf(name)));
        SDVariable t = inputs.get("t").reshape(-1);
        return architecture().forward(ctx, inputs.get("x"), t);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        UNetArchitecture a = architecture();
        return InputType.convolutional(a.size(), a.size(), a.inChannels());
    }

    @Override
    public GraphVertex clone() {
        return new UNetVertex(config());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetVertex v && v.configYaml.equals(configYaml);
    }

    @Override
    public int hashCode() {
        return configYaml.hashCode();
    }
}
