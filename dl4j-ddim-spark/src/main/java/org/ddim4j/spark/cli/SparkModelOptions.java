package org.ddim4j.spark.cli;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model a job runs, read on the driver and shipped to the executors: {@code --weights}, {@code --config}. */
final class SparkModelOptions {
    @Option(names = "--weights", required = true, paramLabel = "W",
            description = "a ddim4j model file, checkpoint, training run folder or .safetensors (with --config), on the driver")
    Path weights;

    @Option(names = "--config", paramLabel = "C.yml", description = "the network's config file or preset, where the weights do not carry it; "
            + "else it replaces theirs (the network and the schedule the weights learnt must match)")
    String config;

    DdimModel load() {
        return WeightsLoader.load(weights, config == null ? null : ConfigLoader.loadPathOrPreset(config));
    }
}
