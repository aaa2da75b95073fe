package org.ddim4j.config;

import org.ddim4j.unet.UNetArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static long count(DdimConfig c) {
        return UNetArchitecture.of(c).trainableCount();
    }

    @ParameterizedTest
    @ValueSource(strings = {"anime", "celeba", "church", "ffhq", "flowers102", "imagenet64", "miniplaces"})
    void everySeventyFiveMillionParameterSeedConfigLoadsAndBuilds(String name) {
        DdimConfig c = ConfigLoader.preset(name);
        assertEquals(128, c.network().hiddenChannels());
        assertEquals(75_308_547L, count(c));
        assertEquals(List.of(3, 64, 64), c.data().shape());
        assertEquals(Criterion.L1, c.training().criterion());
        assertEquals(1e-8, c.optimizer().epsilon());
    }

    @Test
    void smallAndCifarConfigsLoadAndBuild() {
        DdimConfig small = ConfigLoader.preset("celeba_small");
        assertEquals(32, small.network().hiddenChannels());
        assertTrue(count(small) > 4_000_000 && count(small) < 5_000_000, "celeba_small: " + count(small));
        DdimConfig cifar = ConfigLoader.preset("cifar10");
        assertTrue(cifar.network().batchNorm());
        assertEquals(1e-5, cifar.optimizer().weightDecay());
        new UNetArchitecture(cifar.network(), 3, 32, 32).params();
    }

    @Test
    void yamlRoundTripGivesAnEqualRecord() {
        for (String name : org.ddim4j.config.Preset.configNames()) {
            DdimConfig c = ConfigLoader.preset(name);
            assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "round-trip"));
        }
    }

    @Test
    void kidDuringTrainingIsOffByDefaultAndItsKeysAreCheckedByName() {
        assertEquals(0, ConfigLoader.parse("network:\n  hidden_channels: 64\n", "x.yml").evaluation().kidEvery());
        var e = ConfigLoader.parse("evaluation:\n  kid_every: 500\n  kid_samples: 128\n  kid_steps: 10\n", "x.yml").evaluation();
        assertEquals(List.of(500, 128, 10), List.of(e.kidEvery(), e.kidSamples(), e.kidSteps()));
        assertEquals(1000, ConfigLoader.preset("emoji_demo").evaluation().kidEvery());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("evaluation:\n  kid_samples: 1\n", "x.yml"));
        assertTrue(bad.getMessage().contains("evaluation.kid_samples = 1"), bad.getMessage());
    }

    @Test
    void missingSectionsTakeTheDefaults() {
        DdimConfig c = ConfigLoader.parse("network:\n  hidden_channels: 64\n", "x.yml");
        assertEquals(64, c.network().hiddenChannels());
        assertEquals(Defaults.optimizer(), c.optimizer());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "network:\\n  num_groups: 7|network.num_groups = 7",
            "network:\\n  num_groups: 0|network.num_groups = 0",
            "training:\\n  criterion: huber|training.criterion = huber: expected one of [l1, l2]",
            "diffusion:\\n  beta_schedule: sigmoid|diffusion.beta_schedule = sigmoid: expected one of [linear, quadratic, cosine]",
            "diffusion:\\n  skip_type: cubic|diffusion.skip_type = cubic: expected one of [uniform, quadratic, linspace, trailing, karras]",
            "optimizer:\\n  name: rmsprop|optimizer.name = rmsprop: expected one of [adam, sgd]",
            "diffusion:\\n  sampler: heun2|diffusion.sampler = heun2: expected one of [ddim, dpm++2m, dpm++3m",
            "data:\\n  dataset: mnist|data.dataset = mnist: expected one of [celeba, ffhq, church",
            "diffusion:\\n  num_t_steps: 2000|diffusion.num_t_steps = 2000",
            "network:\\n  dropout: 1.5|network.dropout = 1.5",
            "data:\\n  shape: [3, 60, 60]|data.shape = [3, 60, 60]",
            "optimizer:\\n  learning_rate: -1|optimizer.learning_rate = -1",
            "network:\\n  hidden_channels: abc|network.hidden_channels = abc: expected an integer",
            "network:\\n  num_group: 8|unknown key(s) in section 'network': [num_group]",
            "trainning:\\n  num_i: 3|unknown section(s) [trainning]",
            "diffusion:\\n  prediction: x0|diffusion.prediction = x0: expected one of [epsilon, v]",
            "training:\\n  loss_weighting: p2|training.loss_weighting = p2: expected one of [uniform, min-snr]",
            "training:\\n  min_snr_gamma: 0|training.min_snr_gamma = 0",
            "optimizer:\\n  decay: step|optimizer.decay = step: expected one of [constant, cosine, linear]",
            "optimizer:\\n  warmup_iterations: -5|optimizer.warmup_iterations = -5",
            "network:\\n  class_names: [a, b]\\n  class_counts: [1, 2]|network.class_names = [a, b]: expected none",
            "network:\\n  class_conditional: true\\n  class_names: [a, b]\\n  class_counts: [1]|network.class_counts = [1]: expected one count per class name (2 names)",
            "network:\\n  class_conditional: true\\n  class_names: [a, a]\\n  class_counts: [1, 1]|network.class_names = [a, a]: expected distinct",
            "network:\\n  class_conditional: true\\n  class_names: [a, b]\\n  class_counts: [0, 0]|network.class_counts = [0, 0]: expected non-negative image counts, not all zero",
            "network:\\n  class_names: heart|network.class_names = heart: expected a list of names",
            "training:\\n  label_dropout: 1|training.label_dropout = 1",
            "training:\\n  class_repeats: {heart: 0}|training.class_repeats.heart = 0: expected a positive integer",
            "training:\\n  class_repeats: {heart: 1.5}|training.class_repeats = {heart=1.5}: expected a mapping of class names to integers",
            "training:\\n  class_repeats: [heart]|training.class_repeats = [heart]: expected a mapping of class names to integers",
            "diffusion:\\n  guidance: -0.5|diffusion.guidance = -0.5"})
    void badValuesNameTheFileTheKeyTheValueAndWhatIsAllowed(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml.replace("\\n", "\n"), "bad.yml"));
        assertTrue(e.getMessage().startsWith("bad.yml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void choicesAreEnumsSpeltInYamlAsTheSeedSpellsThem() {
        DdimConfig c = ConfigLoader.parse("""
                data:
                  dataset: emoji-smileys
                diffusion:
                  beta_schedule: cosine
                  skip_type: TRAILING
                  sampler: dpm++3m
                training:
                  criterion: l2
                """, "choices.yml");
        assertEquals(Dataset.EMOJI_SMILEYS, c.data().dataset());
        assertEquals(org.ddim4j.schedule.BetaSchedule.COSINE, c.diffusion().betaSchedule());
        assertEquals(org.ddim4j.schedule.TimestepSpacing.TRAILING, c.diffusion().skipType());
        assertEquals(Criterion.L2, c.training().criterion());
        assertEquals(org.ddim4j.sampler.SamplerKind.DPMPP_3M, c.diffusion().sampler());
        assertEquals(org.ddim4j.sampler.SamplerKind.DDIM, Defaults.diffusion().sampler());
        String yaml = ConfigLoader.toYaml(c);
        assertTrue(yaml.contains("dataset: emoji-smileys") && yaml.contains("beta_schedule: cosine")
                && yaml.contains("skip_type: trailing") && yaml.contains("criterion: l2") && yaml.contains("name: adam") && yaml.contains("sampler: dpm++3m"), yaml);
        assertEquals(c, ConfigLoader.parse(yaml, "again.yml"));
    }

    @Test
    void aClassConditionalNetworkRoundTripsAndAnUnconditionalOneWritesNoClassKeys() {
        DdimConfig c = ConfigLoader.parse("""
                network:
                  class_conditional: true
                  class_names: [face-smiling, heart, "yes", "1"]
                  class_counts: [14, 25, 1, 0]
                training:
                  label_dropout: 0.2
                  class_repeats: {heart: 3, "Smileys & Emotion": 8}
                diffusion:
                  guidance: 1.5
                """, "conditional.yml");
        assertEquals(java.util.Map.of("heart", 3, "Smileys & Emotion", 8), c.training().classRepeats());
        assertEquals(List.of("heart", "Smileys & Emotion"), List.copyOf(c.training().classRepeats().keySet()), "in the file's order");
        assertTrue(c.network().classConditional());
        assertEquals(List.of("face-smiling", "heart", "yes", "1"), c.network().classNames());
        assertEquals(List.of(14, 25, 1, 0), c.network().classCounts());
        assertEquals(0.2, c.training().labelDropout());
        assertEquals(1.5, c.diffusion().guidance());
        assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "again.yml"));

        DdimConfig seed = ConfigLoader.parse("network:\n  hidden_channels: 64\n", "x.yml");
        assertFalse(seed.network().classConditional());
        assertEquals(0.1, seed.training().labelDropout());
        assertEquals(java.util.Map.of(), seed.training().classRepeats(), "every image once per epoch, as the seed");
        assertEquals(0.0, seed.diffusion().guidance());
        assertFalse(ConfigLoader.toYaml(seed).contains("class_"), ConfigLoader.toYaml(seed));
        // a conditional network's classes may be left for training to fill, but such a network cannot be built
        DdimConfig unfilled = ConfigLoader.parse("network:\n  class_conditional: true\n", "x.yml");
        var e = assertThrows(IllegalArgumentException.class, () -> UNetArchitecture.of(unfilled));
        assertTrue(e.getMessage().startsWith("network.class_names: a class-conditional network needs its classes"), e.getMessage());
    }

    @Test
    void theRecipeOptionsDefaultToTheSeedsAndRoundTrip() {
        DdimConfig seed = ConfigLoader.parse("network:\n  hidden_channels: 64\n", "x.yml");
        assertEquals(org.ddim4j.schedule.Prediction.EPSILON, seed.diffusion().prediction());
        assertEquals(LossWeighting.UNIFORM, seed.training().lossWeighting());
        assertEquals(5.0, seed.training().minSnrGamma());
        assertEquals(0, seed.optimizer().warmupIterations());
        assertEquals(LearningRateDecay.CONSTANT, seed.optimizer().decay());
        DdimConfig c = ConfigLoader.parse("""
                diffusion:
                  prediction: v
                training:
                  loss_weighting: min-snr
                  min_snr_gamma: 2.5
                optimizer:
                  warmup_iterations: 200
                  decay: cosine
                """, "recipe.yml");
        assertEquals(org.ddim4j.schedule.Prediction.V, c.diffusion().prediction());
        assertEquals(LossWeighting.MIN_SNR, c.training().lossWeighting());
        assertEquals(2.5, c.training().minSnrGamma());
        assertEquals(200, c.optimizer().warmupIterations());
        assertEquals(LearningRateDecay.COSINE, c.optimizer().decay());
        String yaml = ConfigLoader.toYaml(c);
        assertTrue(yaml.contains("prediction: v") && yaml.contains("loss_weighting: min-snr") && yaml.contains("decay: cosine"), yaml);
        assertEquals(c, ConfigLoader.parse(yaml, "again.yml"));
    }

    @Test
    void onePresetListServesTheLoaderAndTheZoo() {
        assertEquals(Preset.configNames().size(), Preset.zooNames().size());
        assertTrue(Preset.configNames().contains("emoji_demo") && Preset.zooNames().contains("emoji"));
        assertEquals(ConfigLoader.preset("emoji_demo"), ConfigLoader.preset("emoji"));
        assertEquals(Preset.EMOJI, Preset.of("emoji"));
        assertEquals(org.ddim4j.zoo.DdimZooModel.PRESETS, Preset.zooNames());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.preset("emoji_large"));
        assertTrue(e.getMessage().contains("Unknown preset 'emoji_large'") && e.getMessage().contains("celeba_small"),
                e.getMessage());
    }

    @Test
    void aMissingFileSaysWhereItLooked(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yml")));
        assertTrue(e.getMessage().contains("nope.yml"), e.getMessage());
    }

    @Test
    void malformedYamlIsReported(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("broken.yml");
        Files.writeString(f, "network: [unclosed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("broken.yml") && e.getMessage().contains("not valid YAML"), e.getMessage());
    }
}
