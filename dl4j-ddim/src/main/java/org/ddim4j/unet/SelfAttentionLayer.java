package org.ddim4j.unet;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * The U-Net's spatial self-attention block ({@link AttentionBlock}: GroupNorm, 1x1 Q/K/V projections, softmax
 * over C^-1/2-scaled scores, output projection, residual) as a DL4J layer, usable in a
 * {@code ComputationGraph} or {@code MultiLayerNetwork} on convolutional activations [B, C, H, W]. The
 * output has the input's shape. The same graph code serves the U-Net, so the two cannot drift apart.
 */
public class SelfAttentionLayer extends SameDiffLayer {
    /**
     * Parameter keys (DL4J's updater splits gradient keys at '_', so they have none), in the order of the
     * PyTorch sub-names in {@link #TORCH_NAMES}.
     */
    public static final List<String> PARAM_KEYS = List.of("gamma", "beta", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo");
    /** The PyTorch names, below the attention module, of the parameters of {@link #PARAM_KEYS}. */
    public static final List<String> TORCH_NAMES = List.of("norm.weight", "norm.bias", "Q.weight", "Q.bias", "K.weight",
            "K.bias", "V.weight", "V.bias", "out_proj.weight", "out_proj.bias");
    private static final String SCOPE = "attention";

    private long channels;
    private long height;
    private long width;
    private int numGroups;

    /** For JSON deserialisation of network configurations. */
    private SelfAttentionLayer() {
    }

    private SelfAttentionLayer(Builder b) {
        super(b);
        this.channels = b.channels;
        this.numGroups = b.numGroups;
    }

    public long getChannels() {
        return channels;
    }

    public int getNumGroups() {
        return numGroups;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional conv)) {
            throw new IllegalArgumentException("SelfAttentionLayer needs convolutional input [B, C, H, W], got " + inputType);
        }
        if (channels <= 0 || override) {
            channels = conv.getChannels();
        }
        height = conv.getHeight();
        width = conv.getWidth();
        if (channels % numGroups != 0) {
            throw new IllegalArgumentException("SelfAttentionLayer: numGroups " + numGroups + " must divide the "
                    + channels + " input channels");
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        for (int i = 0; i < PARAM_KEYS.size(); i++) {
            String key = PARAM_KEYS.get(i);
            if (i < 2) {
                params.addWeightParam(key, channels);
            } else if (key.startsWith("W")) {
                params.addWeightParam(key, 1, 1, channels, channels);
            } else {
                params.addBiasParam(key, channels);
            }
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        double bound = 1.0 / Math.sqrt(channels);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray a = e.getValue();
            switch (e.getKey()) {
                case "gamma" -> a.assign(1.0);
                case "beta" -> a.assign(0.0);
                default -> a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable, SDVariable mask) {
        GraphContext ctx = new GraphContext(sd, GraphMode.EVAL, numGroups,
                name -> paramTable.get(PARAM_KEYS.get(TORCH_NAMES.indexOf(name.substring(SCOPE.length() + 1)))));
        if (height != width) {
            throw new IllegalStateException("SelfAttentionLayer takes square feature maps, got " + height + "x" + width);
        }
        SDVariable channelsLast = layerInput.permute(0, 2, 3, 1);
        SDVariable out = new AttentionBlock(SCOPE, (int) channels, (int) height, false).apply(ctx, channelsLast)
                .permute(0, 3, 1, 2);
        return compensateGradientDoubling(sd, out);
    }

    /**
     * DL4J 1.0.0-M2.1's SameDiffLayer backpropagates exactly twice the gradient of any layer (measured with
     * DL4J's GradientCheckUtil on a one-parameter layer y = g x, in ComputationGraph and MultiLayerNetwork).
     * Returning y/2 + stop_gradient(y)/2 leaves the forward pass bit-identical (halving is exact) and halves
     * what flows back, so the gradients this layer reports are the true ones; the gradient-check test
     * guards this against a DL4J version that fixes the defect.
     */
    private static SDVariable compensateGradientDoubling(SameDiff sd, SDVariable y) {
        SDVariable frozen = new org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient(sd, y).outputVariable();
        return y.mul(0.5).add(frozen.mul(0.5));
    }

    /** Builds a {@link SelfAttentionLayer}. */
    public static class Builder extends SameDiffLayer.Builder<Builder> {
        private long channels;
        private int numGroups = 1;

        /** Input channels (inferred from the input type when not set). */
        public Builder channels(long channels) {
            this.channels = channels;
            return this;
        }

        /** GroupNorm groups (default 1); must divide the channel count. */
        public Builder numGroups(int numGroups) {
            if (numGroups <= 0) {
                throw new IllegalArgumentException("numGroups must be positive, got " + numGroups);
            }
            this.numGroups = numGroups;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public SelfAttentionLayer build() {
            return new SelfAttentionLayer(this);
        }
    }
}
