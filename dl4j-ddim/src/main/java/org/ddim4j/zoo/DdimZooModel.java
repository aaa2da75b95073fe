package org.ddim4j.zoo;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.Preset;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;
import org.ddim4j.unet.UNet;
import org.ddim4j.unet.UNetArchitecture;
import org.ddim4j.unet.UNetVertex;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;

/**
 * The DDIM U-Net as a DL4J zoo model: one preset per seed configuration ({@link #PRESETS}) and the emoji demo
 * model, whose trained weights ship inside this jar.
 *
 * <pre>{@code
 * ComputationGraph unet = DdimZooModel.of("emoji").initPretrained();   // eps = unet.outputSingle(x, t), null class
 * DdimModel ddim = DdimZooModel.of("emoji").initPretrainedModel();     // sampling, inversion, editing
 * INDArray z = Nd4j.randn(DataType.FLOAT, 16, 3, 32, 32);
 * INDArray images = ddim.sampler().sample(ddim.generatingPredictor(16, 0), z, null);  // classes as in the data
 * ClassPrior heart = ddim.classes().restrictedTo(List.of("heart"));
 * INDArray hearts = ddim.sampler().sample(ddim.generatingPredictor(heart, 16, 0), z, null);   // one class
 * }</pre>
 *
 * <p>DL4J's {@link ZooModel} restores only networks serialised by its {@code ModelSerializer}, so
 * {@link #initPretrained(PretrainedType)} is overridden: the weights (safetensors, a ddim4j model file or a
 * PyTorch checkpoint) are copied from their URL or path into DL4J's resource cache
 * ({@code ~/.deeplearning4j/models/<modelName>/}, moved by DL4J's {@code org.deeplearning4j.resources.directory}
 * property), verified against their Adler-32 checksum as DL4J does (a mismatch deletes the copy and fails),
 * then loaded into the network. The weights are the same whatever {@link PretrainedType} is asked for: a DDIM
 * preset is trained on one dataset.
 */
public final class DdimZooModel extends ZooModel<DdimZooModel> {
    /** The zoo names of the {@link Preset}s: the seed's configurations, and "emoji" (the demo model, with shipped weights). */
    public static final List<String> PRESETS = Preset.zooNames();
    /** The shipped emoji weights: float16 safetensors, inside this jar. */
    public static final String EMOJI_RESOURCE = "/org/ddim4j/pretrained/emoji.safetensors";
    /**
     * The configuration the shipped emoji weights were trained with (not the emoji_demo preset, whose recipe may move
     * on: a v-network's weights read as an eps-network's would sample noise).
     */
    public static final String EMOJI_CONFIG_RESOURCE = "/org/ddim4j/pretrained/emoji.yml";
    /** Adler-32 of {@link #EMOJI_RESOURCE} (docs/pretrained-emoji/README.md: how they were trained). */
    static final long EMOJI_ADLER32 = 3842320927L;

    private final String preset;
    private final DdimConfig config;
    private final String weightsUrl;
    private final long weightsChecksum;

    private DdimZooModel(String preset, DdimConfig config, String weightsUrl, long weightsChecksum) {
        this.preset = preset;
        this.config = config;
        this.weightsUrl = weightsUrl;
        this.weightsChecksum = weightsChecksum;
    }

    /** A preset of {@link #PRESETS}; only "emoji" has pretrained weights of its own. */
    public static DdimZooModel of(String preset) {
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("unknown DDIM zoo preset '" + preset + "'; presets are " + PRESETS);
        }
        Preset p = Preset.of(preset);
        if (p == Preset.EMOJI) {
            URL url = DdimZooModel.class.getResource(EMOJI_RESOURCE);
            return new DdimZooModel(preset, shippedEmojiConfig(), url == null ? null : url.toString(), EMOJI_ADLER32);
        }
        return new DdimZooModel(preset, ConfigLoader.preset(p), null, 0);
    }

    /** The configuration of the shipped emoji weights ({@link #EMOJI_CONFIG_RESOURCE}). */
    public static DdimConfig shippedEmojiConfig() {
        try (var in = DdimZooModel.class.getResourceAsStream(EMOJI_CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + EMOJI_CONFIG_RESOURCE);
            }
            return ConfigLoader.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    EMOJI_CONFIG_RESOURCE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not read " + EMOJI_CONFIG_RESOURCE, e);
        }
    }

    /**
     * The same preset with the user's weights: a URL (http, https, file, jar) or a local path, and the
     * Adler-32 checksum of the file (as {@code java.util.zip.Adler32} computes it; DL4J's convention).
     */
    public DdimZooModel withPretrained(String urlOrPath, long adler32) {
        String url = urlOrPath.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !urlOrPath.matches("^[a-zA-Z]:\\\\.*")
                ? urlOrPath : Path.of(urlOrPath).toAbsolutePath().toUri().toString();
        return new DdimZooModel(preset, config, url, adler32);
    }

    /** The same preset with another configuration (e.g. a different image size); its network section rules. */
    public DdimZooModel withConfig(DdimConfig config) {
        return new DdimZooModel(preset, config, weightsUrl, weightsChecksum);
    }

    public DdimConfig config() {
        return config;
    }

    @Override
    public String modelName() {
        return "ddim-" + preset;
    }

    @Override
    public String pretrainedUrl(PretrainedType type) {
        return weightsUrl;
    }

    @Override
    public long pretrainedChecksum(PretrainedType type) {
        return weightsChecksum;
    }

    @Override
    public Class<? extends Model> modelType() {
        return ComputationGraph.class;
    }

    @Override
    public ModelMetaData metaData() {
        var d = config.data();
        int[] x = {d.channels(), d.height(), d.width()};
        return new ModelMetaData(new int[][]{x, {1}}, 1, ZooType.CNN);
    }

    @Override
    public void setInputShape(int[][] inputShape) {
        throw new UnsupportedOperationException("the U-Net's input shape comes from its config (data.shape);"
                + " use withConfig to change it");
    }

    /** A randomly initialised U-Net (seeded by training.seed) as a ComputationGraph: inputs x and t, output eps. */
    @Override
    @SuppressWarnings("unchecked")
    public ComputationGraph init() {
        var d = config.data();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(config.training().seed())
                .dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("x", "t")
                .setInputTypes(InputType.convolutional(d.height(), d.width(), d.channels()), InputType.feedForward(1))
                .addVertex("unet", new UNetVertex(config), "x", "t")
                .setOutputs("unet")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** The pretrained U-Net as a ComputationGraph (see the class comment for where the weights come from). */
    @Override
    @SuppressWarnings("unchecked")
    public ComputationGraph initPretrained(PretrainedType type) throws IOException {
        DdimModel model = initPretrainedModel();
        ComputationGraph graph = init();
        UNetVertex vertex = (UNetVertex) graph.getConfiguration().getVertices().get("unet");
        vertex.assign(model.network().parameters(), graph.getVertex("unet").paramTable(false));
        return graph;
    }

    @Override
    public ComputationGraph initPretrained() throws IOException {
        return initPretrained(PretrainedType.IMAGENET);
    }

    /** A randomly initialised model of this preset (the project's own API: sampler, inversion, training). */
    public DdimModel initModel() {
        return new DdimModel(config, UNet.create(config.network(), config.data().shape(), config.training().seed()));
    }

    /** The pretrained model, for the project's own API. */
    public DdimModel initPretrainedModel() throws IOException {
        if (weightsUrl == null) {
            throw new IllegalStateException("no pretrained weights for the DDIM preset '" + preset + "' ship with"
                    + " ddim4j; give yours with withPretrained(urlOrPath, adler32)");
        }
        return WeightsLoader.load(fetch(), config);
    }

    /** The weights file in DL4J's resource cache, copied there and verified if not already present. */
    Path fetch() throws IOException {
        Path dir = DL4JResources.getDirectory(ResourceType.ZOO_MODEL, modelName()).toPath();
        String fileName = Path.of(URI.create(weightsUrl.replace("jar:", "")).getPath()).getFileName().toString();
        Path cached = dir.resolve(fileName);
        if (Files.isRegularFile(cached) && adler32(cached) == weightsChecksum) {
            return cached;
        }
        Files.deleteIfExists(cached);                                 // absent, or damaged since it was verified
        try {
            // written to a temporary file and renamed only once the checksum matched
            AtomicFiles.write(cached, out -> {
                try (InputStream raw = new URL(weightsUrl).openStream();
                     CheckedInputStream in = new CheckedInputStream(raw, new Adler32())) {
                    in.transferTo(out);
                    long actual = in.getChecksum().getValue();
                    if (actual != weightsChecksum) {
                        throw new ChecksumMismatchException(String.format(Locale.ROOT, "checksum mismatch for the"
                                + " weights of %s from %s: expected Adler-32 %d, got %d; the download was deleted",
                                modelName(), weightsUrl, weightsChecksum, actual));
                    }
                }
            });
        } catch (ChecksumMismatchException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot fetch the weights of " + modelName() + " from " + weightsUrl + ": " + e, e);
        }
        return cached;
    }

    /** The Adler-32 checksum of a file, DL4J's convention for zoo weights. */
    public static long adler32(Path file) throws IOException {
        Adler32 sum = new Adler32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sum.update(buf, 0, n);
            }
        }
        return sum.getValue();
    }

    @Override
    public String toString() {
        return modelName() + " (" + UNetArchitecture.of(config).trainableCount() + " parameters" + (weightsUrl == null
                ? "" : ", weights " + weightsUrl) + ")";
    }

    /** Downloaded weights whose checksum is not the expected one (the download is deleted). */
    public static final class ChecksumMismatchException extends IOException {
        ChecksumMismatchException(String message) {
            super(message);
        }
    }
}
