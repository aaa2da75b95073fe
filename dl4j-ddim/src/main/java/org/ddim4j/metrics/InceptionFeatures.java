package org.ddim4j.metrics;

import org.ddim4j.graph.PlanCache;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * pytorch-fid's 2048 Inception features ({@link InceptionV3Graph}): images [N, 3, H, W] in [-1, 1] are resized to
 * 299x299 as pytorch-fid does (bilinear, half-pixel centres; resizing before or after its 2x - 1 scaling is the
 * same, the weights of a bilinear resize summing to 1), made channels-last and run by a compiled plan. With the
 * published weights, FIDs compare with published figures. One instance is for one thread.
 */
public final class InceptionFeatures implements FeatureExtractor {
    private final SameDiff graph;
    private final PlanCache plans;
    private final String sha256;
    private final boolean comparable;

    public InceptionFeatures(Map<String, INDArray> stateDict, String sha256, boolean comparable) {
        this.graph = InceptionV3Graph.build(stateDict);
        this.plans = PlanCache.forOutputs(graph, List.of(InceptionV3Graph.OUTPUT));
        this.sha256 = sha256;
        this.comparable = comparable;
    }

    /** From a weights file ({@link InceptionWeights#load}). */
    public static InceptionFeatures load(Path file, boolean unchecked) throws IOException {
        InceptionWeights.Loaded w = InceptionWeights.load(file, unchecked);
        return new InceptionFeatures(w.stateDict(), w.sha256(), w.comparable());
    }

    @Override
    public String name() {
        return "inception";
    }

    @Override
    public String weightsSha256() {
        return sha256;
    }

    @Override
    public int dimension() {
        return InceptionV3Graph.FEATURES;
    }

    @Override
    public boolean comparable() {
        return comparable;
    }

    @Override
    public INDArray features(INDArray images) {
        Images4d.check("images", images);
        INDArray resized = BilinearResize.resize(images.castTo(DataType.FLOAT), InceptionV3Graph.SIZE, InceptionV3Graph.SIZE);
        INDArray nhwc = resized.permute(0, 2, 3, 1).dup('c');
        return plans.run(Map.of(InceptionV3Graph.INPUT, nhwc)).outputs().get(InceptionV3Graph.OUTPUT).dup();
    }
}
