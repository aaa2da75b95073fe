package org.ddim4j.samples;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model a command works with: {@code --weights} and, where the weights do not carry it, {@code --config}. */
final class ModelOptions {
    @Option(names = "--weights", required = true, paramLabel = "W",
            description = ".safetensors (PyTorch state_dict names; needs --config), a ddim4j model file, a checkpoint, "
                    + "or a training run folder")
    Path weights;

    @Option(names = "--config", paramLabel = "C.yml",
            description = "the network's YAML config (the seed's layout) or a preset name; optional for a model file, "
                    + "a checkpoint or a run folder, whose own config it then replaces (its sampling settings apply; the "
                    + "network and the schedule the weights learnt must match)")
    String config;

    DdimModel load() {
        return load(weights, config);
    }

    /** The model of these weights, with this config (a file or a preset name; null: the weights' own). */
    static DdimModel load(Path weights, String config) {
        return WeightsLoader.load(weights, config == null ? null : ConfigLoader.loadPathOrPreset(config));
    }
}
