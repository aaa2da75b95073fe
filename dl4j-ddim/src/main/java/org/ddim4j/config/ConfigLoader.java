package org.ddim4j.config;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.Prediction;
import org.ddim4j.schedule.TimestepSpacing;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the seed's YAML configuration files as they are. Keys and meanings follow the seed; a section or
 * key left out takes its value from {@link Defaults}. Unknown sections and keys are errors that list what is
 * allowed (a typo must not silently fall back to a default), and every bad value names the file, the key,
 * the value and what is allowed.
 */
public final class ConfigLoader {
    private static final List<String> SECTIONS =
            List.of("data", "network", "diffusion", "training", "optimizer", "evaluation");

    private ConfigLoader() {
    }

    /** Loads a {@link Preset} by its config or zoo name: the seed's YAML file as distributed. */
    public static DdimConfig preset(String name) {
        return preset(Preset.of(name));
    }

    /** Loads a {@link Preset}: the seed's YAML file as distributed. */
    public static DdimConfig preset(Preset preset) {
        String name = preset.configName();
        String resource = preset.resource();
        try (java.io.InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException("preset resource missing from the jar: " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yml");
        } catch (IOException e) {
            throw new ConfigException("cannot read preset " + resource + ": " + e, e);
        }
    }

    /** A path to a YAML file, or the name of a preset when no such file exists. */
    public static DdimConfig loadPathOrPreset(String pathOrName) {
        Path p = Path.of(pathOrName);
        if (Files.exists(p) || !Preset.isPreset(pathOrName)) {
            return load(p);
        }
        return preset(pathOrName);
    }

    public static DdimConfig load(Path file) {
        String text;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Config file not found: " + file.toAbsolutePath()
                    + " (a YAML file in the seed's layout, or a preset name: " + Preset.configNames() + ")");
        }
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + file + ": " + e, e);
        }
        return parse(text, file.toString());
    }

    /** Parses YAML text; {@code source} names it in error messages. */
    public static DdimConfig parse(String yamlText, String source) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> rootMap)) {
            throw new ConfigException(source + ": expected a YAML mapping with sections " + SECTIONS);
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (Object key : rootMap.keySet()) {
            if (!SECTIONS.contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(source + ": unknown section(s) " + unknown + "; allowed: " + SECTIONS);
        }
        try {
            DataConfig data = section(rootMap, "data", source, ConfigLoader::data);
            NetworkConfig network = section(rootMap, "network", source, ConfigLoader::network);
            DiffusionConfig diffusion = section(rootMap, "diffusion", source, ConfigLoader::diffusion);
            TrainingConfig training = section(rootMap, "training", source, ConfigLoader::training);
            OptimizerConfig optimizer = section(rootMap, "optimizer", source, ConfigLoader::optimizer);
            EvaluationConfig evaluation = section(rootMap, "evaluation", source, ConfigLoader::evaluation);
            return new DdimConfig(data, network, diffusion, training, optimizer, evaluation);
        } catch (InvalidValueException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    private static <T> T section(Map<?, ?> root, String name, String source, Function<Section, T> reader) {
        Object raw = root.get(name);
        if (raw != null && !(raw instanceof Map)) {
            throw new ConfigException(source + ": section '" + name + "' must be a mapping, got: " + raw);
        }
        Section s = new Section(name, raw == null ? Map.of() : (Map<?, ?>) raw);
        T value = reader.apply(s);
        s.rejectUnknownKeys(source);
        return value;
    }

    private static DataConfig data(Section s) {
        DataConfig d = Defaults.data();
        return new DataConfig(s.choice("dataset", d.dataset(), Dataset.class), s.string("root", d.root()),
                s.intList("shape", d.shape()), s.intList("shape_original", null),
                s.integer("num_train", d.numTrain()), s.integer("num_valid", d.numValid()),
                s.integer("num_test", d.numTest()), s.bool("random_flip", d.randomFlip()),
                s.bool("zero_center", d.zeroCenter()), s.bool("clamp", d.clamp()),
                s.number("flip_horizontal", d.flipHorizontal()), s.number("flip_vertical", d.flipVertical()),
                s.integer("num_workers", d.numWorkers()), s.bool("download", d.download()));
    }

    private static NetworkConfig network(Section s) {
        NetworkConfig d = Defaults.network();
        return new NetworkConfig(s.integer("hidden_channels", d.hiddenChannels()),
                s.integer("num_blocks", d.numBlocks()), s.intList("channel_mults", d.channelMults()),
                s.intList("attention_sizes", d.attentionSizes()), s.integer("embed_channels", d.embedChannels()),
                s.number("dropout", d.dropout()), s.integer("num_groups", d.numGroups()),
                s.number("ema", d.ema()), s.bool("do_conv_sample", d.doConvSample()),
                s.bool("class_conditional", d.classConditional()), s.stringList("class_names", d.classNames()),
                s.intList("class_counts", d.classCounts()));
    }

    private static DiffusionConfig diffusion(Section s) {
        DiffusionConfig d = Defaults.diffusion();
        return new DiffusionConfig(s.choice("beta_schedule", d.betaSchedule(), BetaSchedule.class),
                s.number("beta_start", d.betaStart()), s.number("beta_end", d.betaEnd()),
                s.integer("num_t", d.numT()), s.integer("num_t_steps", d.numTSteps()), s.number("eta", d.eta()),
                s.choice("skip_type", d.skipType(), TimestepSpacing.class), s.bool("clip_x0", d.clipX0()),
                s.sampler("sampler", d.sampler()), s.choice("prediction", d.prediction(), Prediction.class),
                s.number("guidance", d.guidance()));
    }

    private static TrainingConfig training(Section s) {
        TrainingConfig d = Defaults.training();
        return new TrainingConfig(s.integer("batch_size", d.batchSize()),
                s.integer("log_batch_size", d.logBatchSize()), s.choice("criterion", d.criterion(), Criterion.class),
                s.integer("num_i", d.numI()), s.integer("log_frequency", d.logFrequency()),
                s.integer("save_frequency", d.saveFrequency()), s.bool("tensorboard", d.tensorboard()),
                s.longValue("seed", d.seed()), s.choice("loss_weighting", d.lossWeighting(), LossWeighting.class),
                s.number("min_snr_gamma", d.minSnrGamma()), s.number("label_dropout", d.labelDropout()),
                s.intMap("class_repeats", d.classRepeats()));
    }

    private static OptimizerConfig optimizer(Section s) {
        OptimizerConfig d = Defaults.optimizer();
        return new OptimizerConfig(s.choice("name", d.name(), OptimizerName.class), s.number("learning_rate", d.learningRate()),
                s.number("weight_decay", d.weightDecay()), s.number("beta_1", d.beta1()),
                s.number("beta_2", d.beta2()), s.bool("amsgrad", d.amsgrad()), s.number("epsilon", d.epsilon()),
                s.number("gradient_clip", d.gradientClip()), s.integer("warmup_iterations", d.warmupIterations()),
                s.choice("decay", d.decay(), LearningRateDecay.class));
    }

    private static EvaluationConfig evaluation(Section s) {
        EvaluationConfig d = Defaults.evaluation();
        return new EvaluationConfig(s.integer("batch_size", d.batchSize()), s.integer("num_batches", d.numBatches()),
                s.integer("kid_every", d.kidEvery()), s.integer("kid_samples", d.kidSamples()),
                s.integer("kid_steps", d.kidSteps()));
    }

    /** One YAML section; remembers which keys were read so the rest can be reported as unknown. */
    private static final class Section {
        private final String name;
        private final Map<?, ?> values;
        private final Set<String> known = new LinkedHashSet<>();

        Section(String name, Map<?, ?> values) {
            this.name = name;
            this.values = values;
        }

        private Object raw(String key) {
            known.add(key);
            return values.get(key);
        }

        private String path(String key) {
            return name + "." + key;
        }

        String string(String key, String fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Map || v instanceof List) {
                throw new InvalidValueException(path(key), v, "expected a string");
            }
            return String.valueOf(v);
        }

        SamplerKind sampler(String key, SamplerKind fallback) {
            String v = string(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                return SamplerKind.of(v);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(path(key), v, "expected one of " + SamplerKind.keys());
            }
        }

        <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
            String v = string(key, null);
            return v == null ? fallback : Choices.parse(path(key), v, type);
        }

        int integer(String key, int fallback) {
            long v = longValue(key, fallback);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new InvalidValueException(path(key), v, "expected a 32-bit integer");
            }
            return (int) v;
        }

        long longValue(String key, long fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Integer || v instanceof Long) {
                return ((Number) v).longValue();
            }
            if (v instanceof java.math.BigInteger) {
                throw new InvalidValueException(path(key), v, "expected a 64-bit integer");
            }
            throw new InvalidValueException(path(key), v, "expected an integer");
        }

        double number(String key, double fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof String str) {
                // YAML 1.1 reads "1e-8" (no dot) as a string; accept it as the seed's PyYAML would not.
                try {
                    return Double.parseDouble(str.trim());
                } catch (NumberFormatException ignored) {
                    // fall through
                }
            }
            throw new InvalidValueException(path(key), v, "expected a number");
        }

        boolean bool(String key, boolean fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new InvalidValueException(path(key), v, "expected true or false");
        }

        List<Integer> intList(String key, List<Integer> fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof List<?> list)) {
                throw new InvalidValueException(path(key), v, "expected a list of integers");
            }
            List<Integer> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Integer i)) {
                    throw new InvalidValueException(path(key), v, "expected a list of integers");
                }
                out.add(i);
            }
            return out;
        }

        /** A mapping of names to integers, in the file's order. */
        Map<String, Integer> intMap(String key, Map<String, Integer> fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Map<?, ?> map)) {
                throw new InvalidValueException(path(key), v, "expected a mapping of class names to integers");
            }
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() == null || e.getKey() instanceof Map || e.getKey() instanceof List
                        || !(e.getValue() instanceof Integer i)) {
                    throw new InvalidValueException(path(key), v, "expected a mapping of class names to integers");
                }
                out.put(String.valueOf(e.getKey()), i);
            }
            return out;
        }

        List<String> stringList(String key, List<String> fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof List<?> list) || list.stream().anyMatch(o -> o == null || o instanceof Map || o instanceof List)) {
                throw new InvalidValueException(path(key), v, "expected a list of names");
            }
            return list.stream().map(String::valueOf).toList();
        }

        void rejectUnknownKeys(String source) {
            List<String> unknown = new ArrayList<>();
            for (Object k : values.keySet()) {
                if (!known.contains(String.valueOf(k))) {
                    unknown.add(String.valueOf(k));
                }
            }
            if (!unknown.isEmpty()) {
                throw new ConfigException(source + ": unknown key(s) in section '" + name + "': " + unknown
                        + "; allowed: " + known);
            }
        }
    }

    /** Writes a config in the seed's YAML layout; {@link #parse} reads it back to an equal record. */
    public static String toYaml(DdimConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        DataConfig d = c.data();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", Choices.name(d.dataset()));
        data.put("root", d.root());
        data.put("shape", d.shape());
        data.put("shape_original", d.shapeOriginal());
        data.put("num_train", d.numTrain());
        data.put("num_valid", d.numValid());
        data.put("num_test", d.numTest());
        data.put("random_flip", d.randomFlip());
        data.put("zero_center", d.zeroCenter());
        data.put("clamp", d.clamp());
        data.put("flip_horizontal", d.flipHorizontal());
        data.put("flip_vertical", d.flipVertical());
        data.put("num_workers", d.numWorkers());
        data.put("download", d.download());
        root.put("data", data);
        NetworkConfig n = c.network();
        Map<String, Object> net = new LinkedHashMap<>();
        net.put("hidden_channels", n.hiddenChannels());
        net.put("num_blocks", n.numBlocks());
        net.put("channel_mults", n.channelMults());
        net.put("attention_sizes", n.attentionSizes());
        net.put("embed_channels", n.embedChannels());
        net.put("dropout", n.dropout());
        net.put("num_groups", n.numGroups());
        net.put("ema", n.ema());
        net.put("do_conv_sample", n.doConvSample());
        if (n.classConditional()) {
            // written only for a conditional network: the seed's configs and every unconditional run read as before
            net.put("class_conditional", true);
            net.put("class_names", n.classNames());
            net.put("class_counts", n.classCounts());
        }
        root.put("network", net);
        DiffusionConfig f = c.diffusion();
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("beta_schedule", Choices.name(f.betaSchedule()));
        diff.put("beta_start", f.betaStart());
        diff.put("beta_end", f.betaEnd());
        diff.put("num_t", f.numT());
        diff.put("num_t_steps", f.numTSteps());
        diff.put("eta", f.eta());
        diff.put("skip_type", Choices.name(f.skipType()));
        diff.put("clip_x0", f.clipX0());
        diff.put("sampler", f.sampler().key());
        diff.put("prediction", Choices.name(f.prediction()));
        diff.put("guidance", f.guidance());
        root.put("diffusion", diff);
        TrainingConfig t = c.training();
        Map<String, Object> tr = new LinkedHashMap<>();
        tr.put("batch_size", t.batchSize());
        tr.put("log_batch_size", t.logBatchSize());
        tr.put("criterion", Choices.name(t.criterion()));
        tr.put("num_i", t.numI());
        tr.put("log_frequency", t.logFrequency());
        tr.put("save_frequency", t.saveFrequency());
        tr.put("tensorboard", t.tensorboard());
        tr.put("seed", t.seed());
        tr.put("loss_weighting", Choices.name(t.lossWeighting()));
        tr.put("min_snr_gamma", t.minSnrGamma());
        tr.put("label_dropout", t.labelDropout());
        if (!t.classRepeats().isEmpty()) {
            // written only when set: every run before it reads and writes as before
            tr.put("class_repeats", new LinkedHashMap<>(t.classRepeats()));
        }
        root.put("training", tr);
        EvaluationConfig e = c.evaluation();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("batch_size", e.batchSize());
        ev.put("num_batches", e.numBatches());
        ev.put("kid_every", e.kidEvery());
        ev.put("kid_samples", e.kidSamples());
        ev.put("kid_steps", e.kidSteps());
        root.put("evaluation", ev);
        OptimizerConfig o = c.optimizer();
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("name", Choices.name(o.name()));
        opt.put("learning_rate", o.learningRate());
        opt.put("weight_decay", o.weightDecay());
        opt.put("beta_1", o.beta1());
        opt.put("beta_2", o.beta2());
        opt.put("amsgrad", o.amsgrad());
        opt.put("epsilon", o.epsilon());
        opt.put("gradient_clip", o.gradientClip());
        opt.put("warmup_iterations", o.warmupIterations());
        opt.put("decay", Choices.name(o.decay()));
        root.put("optimizer", opt);
        org.yaml.snakeyaml.DumperOptions options = new org.yaml.snakeyaml.DumperOptions();
        options.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        options.setIndent(4);
        return new Yaml(options).dump(root);
    }
}
