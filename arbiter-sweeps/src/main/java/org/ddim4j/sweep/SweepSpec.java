package org.ddim4j.sweep;

import org.ddim4j.config.ConfigException;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sweep file:
 * <pre>
 * base: celeba_small.yml          # a config file (relative to this file) or a preset name
 * data_root: ~/data/celeba        # optional: where the dataset's files are
 * sweep:                          # dotted config keys and the values to try
 *   training.criterion: [l1, l2]
 *   network.num_groups: [-1, 8]   # -1 is BatchNorm
 *   diffusion.num_t_steps: [10, 50]
 *   optimizer.learning_rate: {min: 0.0001, max: 0.001}   # a range (random and genetic search)
 * search: grid                    # grid, random or genetic
 * candidates: 8                   # at most this many (grid: at most the grid's size)
 * budget: {iterations: 500, minutes: 10}   # per candidate: whichever comes first
 * max_minutes: 120                # the whole sweep
 * score: validation_loss          # validation_loss (min), inversion_psnr (max), sampling_seconds (min), kid (min), fid (min)
 * seed: 0
 * evaluation: {images: 16, inversion_iterations: 20}
 *   # with score kid or fid: kid_samples (default 256) deterministic samples per candidate, measured with
 *   # features (default emoji) against the training split of kid_dataset (default the base config's data.dataset)
 * </pre>
 */
public record SweepSpec(DdimConfig base, Path dataRoot, Map<String, List<Object>> values, Map<String, double[]> ranges,
                        Search search, int candidates, int budgetIterations, double budgetMinutes, double maxMinutes,
                        Score score, long seed, int evaluationImages, int inversionIterations, int kidSamples,
                        String features, String kidDataset) {
    public enum Search { GRID, RANDOM, GENETIC }

    /** What ranks the candidates. */
    public enum Score {
        VALIDATION_LOSS(true), INVERSION_PSNR(false), SAMPLING_SECONDS(true),
        /** KID of the candidate's samples (evaluation.kid_samples) against the training images. */
        KID(true),
        /** FID likewise (needs more samples than the feature width). */
        FID(true);

        private final boolean minimize;

        Score(boolean minimize) {
            this.minimize = minimize;
        }

        public boolean minimize() {
            return minimize;
        }

        /** Whether candidates must be sampled and measured with a feature network for this score. */
        public boolean needsSamples() {
            return this == KID || this == FID;
        }
    }

    private static final Set<String> KEYS = Set.of("base", "data_root", "sweep", "search", "candidates", "budget",
            "max_minutes", "score", "seed", "evaluation");
    private static final Set<String> EVALUATION_KEYS = Set.of("images", "inversion_iterations", "kid_samples", "features",
            "kid_dataset");

    public SweepSpec {
        // in the file's order: Map.copyOf iterates in an order salted per JVM, so a resumed sweep numbered its grid
        // differently from the first run and trained candidates into folders holding others
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        ranges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    /** The number of grid points (ranges count once: they are sampled, not gridded). */
    public int gridSize() {
        int n = 1;
        for (List<Object> v : values.values()) {
            n *= v.size();
        }
        return n;
    }

    public static SweepSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("sweep file not found: " + file.toAbsolutePath());
        }
        try {
            return parse(Files.readString(file), file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    public static SweepSpec parse(String yaml, Path file) {
        String src = file == null ? "sweep spec" : file.toString();
        Object loaded;
        try {
            loaded = new Yaml().load(yaml);
        } catch (RuntimeException e) {
            throw new ConfigException(src + ": not valid YAML: " + e.getMessage());
        }
        if (!(loaded instanceof Map<?, ?> raw)) {
            throw new ConfigException(src + ": expected a mapping with " + KEYS);
        }
        Map<String, Object> map = (Map<String, Object>) raw;
        for (Object k : map.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new ConfigException(src + ": unknown key '" + k + "'; allowed: " + KEYS);
            }
        }
        Object baseName = map.get("base");
        if (baseName == null) {
            throw new ConfigException(src + ": 'base' (a config file or preset name) is required");
        }
        String b = String.valueOf(baseName);
        Path basePath = file != null && file.getParent() != null ? file.getParent().resolve(b) : Path.of(b);
        DdimConfig base = Files.exists(basePath) ? ConfigLoader.load(basePath) : ConfigLoader.loadPathOrPreset(b);
        Path dataRoot = null;
        if (map.get("data_root") != null) {
            String r = String.valueOf(map.get("data_root"));
            dataRoot = r.startsWith("~") ? Path.of(System.getProperty("user.home") + r.substring(1)) : Path.of(r);
        }
        Map<String, List<Object>> values = new LinkedHashMap<>();
        Map<String, double[]> ranges = new LinkedHashMap<>();
        if (!(map.get("sweep") instanceof Map<?, ?> sweep) || sweep.isEmpty()) {
            throw new ConfigException(src + ": 'sweep' must map config keys to lists of values (or {min, max} ranges)");
        }
        for (Map.Entry<?, ?> e : sweep.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (e.getValue() instanceof List<?> list && !list.isEmpty()) {
                values.put(key, new ArrayList<>(list));
            } else if (e.getValue() instanceof Map<?, ?> range && range.get("min") instanceof Number lo
                    && range.get("max") instanceof Number hi && lo.doubleValue() < hi.doubleValue()) {
                ranges.put(key, new double[]{lo.doubleValue(), hi.doubleValue()});
            } else {
                throw new ConfigException(src + ": sweep." + key + " must be a non-empty list or {min: A, max: B} with A < B,"
                        + " got " + e.getValue());
            }
            // each key must name a config field (checked on the first value), and each listed name must be one of its
            // choices (a misspelt sampler or spacing is named here, not when its candidate runs); numbers are checked
            // per candidate, which records a failure and goes on
            List<Object> probes = new ArrayList<>();
            probes.add(values.containsKey(key) ? values.get(key).get(0) : ranges.get(key)[0]);
            if (values.containsKey(key)) {
                values.get(key).stream().filter(v -> v instanceof String).forEach(probes::add);
            }
            for (Object probe : probes) {
                ConfigOverrides.apply(base, Map.of(key, probe));
            }
        }
        Search search = enumValue(Search.class, map.getOrDefault("search", "grid"), src, "search");
        if (search == Search.GRID && !ranges.isEmpty()) {
            throw new ConfigException(src + ": grid search takes lists only; " + ranges.keySet() + " are ranges (use random)");
        }
        Map<String, Object> budget = map.get("budget") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        int iterations = intValue(budget.getOrDefault("iterations", 0), src, "budget.iterations");
        double minutes = number(budget.getOrDefault("minutes", 0), src, "budget.minutes");
        if (iterations <= 0 && minutes <= 0) {
            throw new ConfigException(src + ": budget needs iterations or minutes (per candidate), e.g. {iterations: 500}");
        }
        Map<String, Object> eval = map.get("evaluation") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        SweepSpec s = new SweepSpec(base, dataRoot, values, ranges, search,
                intValue(map.getOrDefault("candidates", 0), src, "candidates"), iterations, minutes,
                number(map.getOrDefault("max_minutes", 24 * 60), src, "max_minutes"),
                enumValue(Score.class, map.getOrDefault("score", "validation_loss"), src, "score"),
                intValue(map.getOrDefault("seed", 0), src, "seed"),
                intValue(eval.getOrDefault("images", 16), src, "evaluation.images"),
                intValue(eval.getOrDefault("inversion_iterations", 20), src, "evaluation.inversion_iterations"),
                intValue(eval.getOrDefault("kid_samples", 256), src, "evaluation.kid_samples"),
                String.valueOf(eval.getOrDefault("features", "emoji")),
                String.valueOf(eval.getOrDefault("kid_dataset", base.data().dataset())));
        for (Object k : eval.keySet()) {
            if (!EVALUATION_KEYS.contains(String.valueOf(k))) {
                throw new ConfigException(src + ": unknown key 'evaluation." + k + "'; allowed: " + EVALUATION_KEYS);
            }
        }
        if (s.kidSamples() < 2) {
            throw new ConfigException(src + ": evaluation.kid_samples must be at least 2, got " + s.kidSamples());
        }
        if (s.candidates() < 0 || (s.search() != Search.GRID && s.candidates() == 0)) {
            throw new ConfigException(src + ": candidates must be positive for " + search.name().toLowerCase(Locale.ROOT) + " search");
        }
        if (!(s.maxMinutes() > 0) || s.evaluationImages() <= 0 || s.inversionIterations() < 0) {
            throw new ConfigException(src + ": max_minutes and evaluation.images must be positive");
        }
        return s;
    }

    /** Candidates the sweep runs: the grid's size for grid search (capped by 'candidates' when given). */
    public int candidateCount() {
        return search == Search.GRID ? (candidates > 0 ? Math.min(candidates, gridSize()) : gridSize()) : candidates;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, Object v, String src, String key) {
        try {
            return Enum.valueOf(type, String.valueOf(v).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src + ": " + key + " = " + v + "; expected one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static int intValue(Object v, String src, String key) {
        if (v instanceof Integer i) {
            return i;
        }
        throw new ConfigException(src + ": " + key + " = " + v + "; expected an integer");
    }

    private static double number(Object v, String src, String key) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException(src + ": " + key + " = " + v + "; expected a number");
    }
}
