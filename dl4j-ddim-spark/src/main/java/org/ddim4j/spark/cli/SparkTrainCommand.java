package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.Dataset;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.data.Datasets;
import org.ddim4j.spark.AveragingSpec;
import org.ddim4j.spark.ParameterAveragingTraining;
import org.ddim4j.spark.TrainingData;
import org.ddim4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./ddim spark train}: {@link ParameterAveragingTraining}. */
@Command(name = "train", description = "data-parallel training by parameter averaging (the run folder as ./ddim train writes it)",
        footer = {"Each of --workers tasks trains on its rows of every global batch (training.batch_size / workers images)",
                "for --averaging-frequency iterations; then weights, Adam's moments and the EMA are averaged. The dataset",
                "must be readable at the same --data-root on the driver and every executor."})
final class SparkTrainCommand implements Callable<Integer> {
    @ParentCommand
    SparkDdim parent;
    @Mixin
    SparkOptions spark;

    @Option(names = "--config", paramLabel = "C.yml", description = "the run's YAML config or a preset name; not needed with --resume")
    String config;
    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "the run folder (on the driver)")
    Path runDir;
    @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
    boolean resume;
    @Option(names = "--dataset", paramLabel = "NAME", description = "overrides data.dataset (a new run only)")
    String dataset;
    @Option(names = "--data-root", paramLabel = "DIR", description = "the dataset's folder on every machine (default: the dataset's cache folder)")
    String dataRoot;
    @Option(names = "--iterations", paramLabel = "N", description = "overrides training.num_i")
    Integer iterations;
    @Option(names = "--workers", required = true, paramLabel = "W", description = "data-parallel workers (tasks); must divide training.batch_size")
    int workers;
    @Option(names = "--averaging-frequency", defaultValue = "5", paramLabel = "K",
            description = "local iterations between averagings (default ${DEFAULT-VALUE}, DL4J's; 1 makes SGD exact)")
    int averagingFrequency;

    @Override
    public Integer call() throws Exception {
        if (iterations != null && iterations < 1) {
            throw new IllegalArgumentException("--iterations must be positive, got " + iterations);
        }
        AveragingSpec spec = new AveragingSpec(workers, averagingFrequency);
        DdimConfig c = null;
        if (!resume) {
            if (config == null) {
                throw new IllegalArgumentException("--config is required for a new run (or --resume)");
            }
            c = ConfigLoader.loadPathOrPreset(config);
            if (dataset != null) {
                c = c.withData(c.data().withDataset(Dataset.of("--dataset", dataset), c.data().root()));
            }
            if (iterations != null) {
                var t = c.training();
                c = c.withTraining(t.withIterations(iterations, t.logFrequency(), t.saveFrequency()));
            }
        } else if (config != null || dataset != null) {
            throw new IllegalArgumentException("--resume continues the run's own config and dataset; drop --config and --dataset");
        }
        String root = dataRoot;
        TrainingData data = cfg -> Datasets.trainingBatches(cfg.data(), root == null ? null : Path.of(root), cfg.training().seed());
        try (JavaSparkContext sc = spark.context("train")) {
            ParameterAveragingTraining.Result r = ParameterAveragingTraining.run(sc, c, data, runDir, spec,
                    iterations == null ? 0 : iterations, new TrainingListener() {
                        @Override
                        public void onIteration(long iteration, double loss, double gradNorm, double perSecond) {
                            if (iteration % 10 == 0) {
                                parent.out.printf(Locale.ROOT, "iteration %d: loss %.4f (%.2f it/s)%n", iteration, loss, perSecond);
                            }
                        }
                    });
            parent.out.printf(Locale.ROOT, "trained iterations %d-%d in %d rounds of %d workers (%.1f s), last loss %.4f; run folder %s%n",
                    r.firstIteration(), r.lastIteration(), r.rounds(), workers, r.seconds(), r.lastLoss(), runDir);
        }
        return 0;
    }
}
