package org.ddim4j.metrics;

import org.ddim4j.io.Sha256;
import org.ddim4j.resnet.CifarResNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Features of the emoji feature network ({@link EmojiFeatureNetwork}): 64 values per image. The network that ships
 * in the jar ({@value #RESOURCE}) is what {@code ./ddim eval --features emoji} uses, offline. A domain metric: FIDs
 * on these features are not comparable with published (Inception) FIDs. Images of any size are resized bilinearly
 * to 32x32 first. One instance is for one thread (DL4J's graph keeps its activations).
 */
public final class EmojiFeatures implements FeatureExtractor {
    public static final String RESOURCE = "/org/ddim4j/metrics/emoji-features.zip";

    private final ComputationGraph net;
    private final String sha256;
    private final int dimension;

    private EmojiFeatures(ComputationGraph net, String sha256) {
        this.net = net;
        this.sha256 = sha256;
        // the pooling layer passes the last stage's channels on: the head's input width is the feature width
        this.dimension = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) net.getLayer("out").conf().getLayer()).getNIn();
    }

    /** The network that ships in the jar. */
    public static EmojiFeatures shipped() {
        try (InputStream in = EmojiFeatures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the emoji feature network " + RESOURCE + " is missing from the jar");
            }
            return fromBytes(in.readAllBytes(), RESOURCE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A network written by {@code ./ddim eval train-features}. */
    public static EmojiFeatures load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("emoji feature network not found: " + file.toAbsolutePath());
        }
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    private static EmojiFeatures fromBytes(byte[] bytes, String source) {
        ComputationGraph net;
        try {
            net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a DL4J ComputationGraph zip: " + e.getMessage(), e);
        }
        if (net.getLayer(CifarResNet.POOL) == null || net.getLayer("out") == null) {
            throw new IllegalArgumentException(source + ": not an emoji feature network (no '" + CifarResNet.POOL + "' layer)");
        }
        return new EmojiFeatures(net, Sha256.hex(bytes));
    }

    /** Wraps a network just trained (its hash is that of the bytes it would be saved as). */
    public static EmojiFeatures of(ComputationGraph net) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        return new EmojiFeatures(net, Sha256.hex(bytes.toByteArray()));
    }

    public ComputationGraph network() {
        return net;
    }

    @Override
    public String name() {
        return "emoji";
    }

    @Override
    public String weightsSha256() {
        return sha256;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public boolean comparable() {
        return false;
    }

    @Override
    public String id() {
        return "emoji-" + sha256.substring(0, 12);
    }

    @Override
    public INDArray features(INDArray images) {
        Images4d.check("images", images);
        INDArray x = BilinearResize.resize(images.castTo(DataType.FLOAT), EmojiFeatureNetwork.SIZE, EmojiFeatureNetwork.SIZE);
        return EmojiFeatureNetwork.features(net, x).dup();
    }
}
