package org.ddim4j.spark;

import org.ddim4j.data.DatasetFeatures;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.Split;
import org.ddim4j.data.emoji.EmojiDatasetTest;
import org.ddim4j.evaluation.SampleDraws;
import org.ddim4j.io.Npz;
import org.ddim4j.metrics.EmojiFeatures;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalJobTest {
    @Test
    void theFiguresAreThoseOfTheSameSamplesAndImagesMeasuredInOneProcess(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("emoji");
        Files.createDirectories(root);
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        DdimModel model = SparkTests.tinyModel();
        EvalSpec spec = new EvalSpec(8, 3, 2, TimestepSpacing.UNIFORM, SamplerKind.DDIM, 2, 4, "emoji", root.toString(),
                Split.TRAIN, "emoji", false);
        Path out = dir.resolve("eval");
        EvalJob.Result r = EvalJob.run(SparkTests.context(), model, spec, out.toString());
        assertTrue(r.shardsRun() >= 3, "2 generated shards and the reference's: " + r.shardsRun());
        // in one process: ./ddim eval's samples (batches of 2 from the seed), the shipped emoji features
        EmojiFeatures features = EmojiFeatures.shipped();
        INDArray samples = SampleDraws.draw(model, model.sampler(SamplerKind.DDIM, 2, TimestepSpacing.UNIFORM, 0.0, Double.NaN),
                8, 2, 3, n -> {
                });
        INDArray generated = features.featuresInBatches(Transforms.min(Transforms.max(samples, -1.0, true), 1.0, false), 64);
        INDArray reference = DatasetFeatures.of(features, ImageDatasets.open("emoji", root, Split.TRAIN), 16,
                new FeatureCache(dir.resolve("cache")), 64);
        INDArray sparkGenerated = Nd4j.concat(0, Npz.readArray(out.resolve("generated-00000.npz"), "features"),
                Npz.readArray(out.resolve("generated-00001.npz"), "features"));
        // other batch shapes in the feature network: float rounding, 1e-4 of the features' scale
        double scale = generated.amaxNumber().doubleValue();
        assertEquals(0, generated.sub(sparkGenerated).amaxNumber().doubleValue(), 1e-4 * scale);
        QualityReport ref = QualityMetrics.compute(generated, reference, reference, features.id(), features.comparable(), 3);
        // KID's cubic kernel amplifies a relative feature error e about 3e: 1e-3 of the figure covers it with room
        assertEquals(ref.kid().mean(), r.report().kid().mean(), 1e-3 * Math.abs(ref.kid().mean()) + 1e-6);
        assertEquals(reference.size(0), r.report().reference());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"floor_reference_halves\"") && json.contains("\"kid_mean\""), json);
    }
    /**
     * A class-conditional model's spark eval draws the classes asked for, guided as asked, as ./ddim eval draws them
     * (SampleDraws with the restricted prior): the same generated features within float rounding, and metrics.json
     * says which classes and guidance.
     */
    @Test
    void aConditionalModelDrawsTheClassesAndGuidanceAskedForAsDdimEvalDoes(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("emoji");
        Files.createDirectories(root);
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        DdimModel model = SparkTests.tinyConditionalModel().withGuidance(1.0);
        EvalSpec spec = new EvalSpec(8, 3, 2, TimestepSpacing.UNIFORM, SamplerKind.DDIM, 2, 4, "emoji", root.toString(),
                Split.TRAIN, "emoji", false, java.util.List.of("b"));
        Path out = dir.resolve("eval");
        EvalJob.run(SparkTests.context(), model, spec, out.toString());
        EmojiFeatures features = EmojiFeatures.shipped();
        INDArray samples = SampleDraws.draw(model, model.classPrior(java.util.List.of("b")),
                model.sampler(SamplerKind.DDIM, 2, TimestepSpacing.UNIFORM, 0.0, Double.NaN), 8, 2, 3, n -> {
                });
        INDArray generated = features.featuresInBatches(Transforms.min(Transforms.max(samples, -1.0, true), 1.0, false), 64);
        INDArray sparkGenerated = Nd4j.concat(0, Npz.readArray(out.resolve("generated-00000.npz"), "features"),
                Npz.readArray(out.resolve("generated-00001.npz"), "features"));
        // as above: other batch shapes in the feature network, float rounding, 1e-4 of the features' scale
        assertEquals(0, generated.sub(sparkGenerated).amaxNumber().doubleValue(), 1e-4 * generated.amaxNumber().doubleValue());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"guidance\": 1.0") && json.contains("\"classes\": [\n    \"b\"\n  ]"), json);
    }
}
