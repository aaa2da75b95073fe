package org.ddim4j.model;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.unet.UNetArchitecture;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.Safetensors;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.io.TorchCheckpoint;
import org.ddim4j.unet.UNet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a model from what a user points {@code --weights} at: a {@code .safetensors} file with the PyTorch
 * {@code state_dict} names (needs a config), a ddim4j model file, a training checkpoint (its EMA weights) or a
 * training run folder (its model file); the last three carry their own config. PyTorch's own {@code .pth}/{@code .pt}
 * checkpoints (zip layout) are read too, through a restricted unpickler that runs nothing (see
 * {@link TorchCheckpoint}); like safetensors, they need a config.
 */
public final class WeightsLoader {
    private WeightsLoader() {
    }

    /**
     * @param config the config to use for a safetensors file; may be null for a model file, a checkpoint or a run
     *               folder, and when given for one of them it replaces the file's (see {@code withGivenConfig})
     */
    public static DdimModel load(Path weights, DdimConfig config) {
        return load(weights, config, null);
    }

    /**
     * As {@link #load(Path, DdimConfig)}; {@code torchKey} picks the state dict inside a PyTorch training
     * checkpoint (null: the top level, or ema, ema_model, model_ema, state_dict, model, in that order).
     */
    public static DdimModel load(Path weights, DdimConfig config, String torchKey) {
        if (!Files.exists(weights)) {
            throw new TensorFormatException("weights not found: " + weights.toAbsolutePath());
        }
        if (Files.isDirectory(weights)) {
            Path model = new TrainingRun(weights).model();
            if (!Files.isRegularFile(model)) {
                throw new TensorFormatException(weights + " is a folder but not a training run with a model ("
                        + model.getFileName() + " is missing)");
            }
            return load(model, config, torchKey);
        }
        if (CheckpointFile.isCheckpoint(weights)) {
            var c = CheckpointFile.read(weights);
            DdimModel saved = new DdimModel(c.config(), new UNet(UNetArchitecture.of(c.config()), c.ema()));
            return withGivenConfig(weights, saved, config);
        }
        if (ModelFile.isModelFile(weights)) {
            return withGivenConfig(weights, ModelFile.load(weights), config);
        }
        if (TorchCheckpoint.isTorchCheckpoint(weights)) {
            return fromStateDict(weights, config, TorchCheckpoint.stateDict(weights, torchKey), "PyTorch checkpoint");
        }
        if (isSafetensors(weights)) {
            Safetensors.Contents contents = Safetensors.read(weights);
            String embedded = contents.metadata().get("ddim4j_config");
            if (config == null && embedded != null) {                 // written by ddim4j's export: carries its config
                config = ConfigLoader.parse(embedded, weights + " (metadata ddim4j_config)");
            }
            return fromStateDict(weights, config, contents.tensors(), "safetensors file");
        }
        throw new TensorFormatException(weights + ": neither a ddim4j model file, a training checkpoint, a safetensors file nor a PyTorch checkpoint");
    }

    /**
     * A model file's or checkpoint's model with the config the user gave, if any: its sampling settings (steps,
     * spacing, eta, clip_x0, sampler) and every other section then apply, as they do to a safetensors file. What the
     * weights were trained for must match: the network and the noise schedule and prediction the weights learnt.
     */
    static DdimModel withGivenConfig(Path weights, DdimModel model, DdimConfig given) {
        if (given == null) {
            return model;
        }
        if (!given.network().equals(model.config().network())) {
            throw new IllegalArgumentException(weights + " holds a network of another configuration than the one"
                    + " given:\n  file:   " + model.config().network() + "\n  config: " + given.network());
        }
        var trained = model.config().diffusion();
        var d = given.diffusion();
        String[][] fields = {
                {"beta_schedule", String.valueOf(trained.betaSchedule()), String.valueOf(d.betaSchedule())},
                {"beta_start", String.valueOf(trained.betaStart()), String.valueOf(d.betaStart())},
                {"beta_end", String.valueOf(trained.betaEnd()), String.valueOf(d.betaEnd())},
                {"num_t", String.valueOf(trained.numT()), String.valueOf(d.numT())},
                {"prediction", String.valueOf(trained.prediction()), String.valueOf(d.prediction())}};
        for (String[] f : fields) {
            if (!f[1].equals(f[2])) {
                throw new IllegalArgumentException(weights + " was trained with diffusion." + f[0] + " = " + f[1]
                        + "; the config given has " + f[2] + " (only the sampling settings may differ)");
            }
        }
        return new DdimModel(given, model.network());
    }

    private static DdimModel fromStateDict(Path weights, DdimConfig config, Map<String, org.nd4j.linalg.api.ndarray.INDArray>
            stateDict, String kind) {
        if (config == null) {
            throw new IllegalArgumentException(weights + " is a " + kind + ": give the network's --config too");
        }
        return new DdimModel(config, UNet.fromStateDict(config.network(), config.data().shape(), stateDict, weights.toString()));
    }

    /** Writes the network's tensors as safetensors with PyTorch names and layouts, plus the config as metadata. */
    public static void exportSafetensors(DdimModel model, Path file) throws IOException {
        exportSafetensors(model, file, false);
    }

    /** As {@link #exportSafetensors(DdimModel, Path)}; with {@code float16}, float tensors are stored as F16. */
    public static void exportSafetensors(DdimModel model, Path file, boolean float16) throws IOException {
        Safetensors.write(file, model.network().parameters().toStateDict(),
                Map.of("format", "pt", "ddim4j_config", ConfigLoader.toYaml(model.config())), float16);
    }

    private static boolean isSafetensors(Path file) {
        if (file.getFileName().toString().endsWith(".safetensors")) {
            return true;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(9);
            return head.length == 9 && head[8] == '{';
        } catch (IOException e) {
            return false;
        }
    }
}
