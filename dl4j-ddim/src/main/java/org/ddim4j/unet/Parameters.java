package org.ddim4j.unet;

import org.ddim4j.random.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a U-Net by PyTorch name, held in SameDiff layout (conv [kh, kw, in, out], linear [in, out]).
 * The trainable tensors are views of one float32 vector ({@link #trainableVector()}, in spec order), so an
 * optimiser updates that vector in place and every graph built over these arrays sees the step (graphs keep
 * the views: {@link UNetGraph} gives its SameDiff single-thread array holders, which do not copy views).
 * Updating any tensor in place updates the network.
 */
public final class Parameters {
    private final List<ParamSpec> specs;
    private final Map<String, ParamSpec> byName = new LinkedHashMap<>();
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final long trainableSize;
    private final INDArray trainable;

    private Parameters(List<ParamSpec> specs, Map<String, INDArray> sameDiffLayout) {
        this.specs = List.copyOf(specs);
        long total = 0;
        for (ParamSpec s : specs) {
            byName.put(s.name(), s);
            if (s.kind().trainable()) {
                total += s.size();
            }
        }
        this.trainableSize = total;
        this.trainable = Nd4j.create(DataType.FLOAT, total);
        Map<String, INDArray> views = viewsOf(trainable);
        for (ParamSpec s : specs) {
            INDArray given = sameDiffLayout.get(s.name());
            arrays.put(s.name(), s.kind().trainable() ? views.get(s.name()).assign(given) : given);
        }
    }

    /**
     * Views of a float32 vector laid out as {@link #trainableVector()}, by trainable tensor name, each of its
     * tensor's (SameDiff) shape: e.g. where a training step writes the gradients.
     */
    public Map<String, INDArray> viewsOf(INDArray vector) {
        if (vector.rank() != 1 || vector.length() != trainableSize || vector.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a float vector of " + trainableSize + " values, got "
                    + vector.dataType() + " " + Arrays.toString(vector.shape()));
        }
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (ParamSpec s : specs) {
            if (s.kind().trainable()) {
                views.put(s.name(), vector.get(NDArrayIndex.interval(offset, offset + s.size())).reshape('c', s.sameDiffShape()));
                offset += s.size();
            }
        }
        return views;
    }

    /**
     * The live vector the trainable tensors are views of (spec order): updating it in place updates every
     * tensor, and the graphs built over them.
     */
    public INDArray trainableVector() {
        return trainable;
    }

    /**
     * PyTorch's default initialisation (U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for conv and linear weights and
     * biases; norms at scale 1, shift 0; running variance 1), with the output conv zero-initialised as in
     * the seed, so that an untrained network predicts zero noise.
     */
    public static Parameters initialize(UNetArchitecture arch, long seed) {
        List<ParamSpec> specs = arch.params();
        long counter = 0;
        Map<String, INDArray> out = new LinkedHashMap<>();
        Map<String, Long> fanIn = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            long[] ts = s.torchShape();
            if (s.kind() == ParamKind.CONV) {
                fanIn.put(stem(s.name()), ts[1] * ts[2] * ts[3]);
            } else if (s.kind() == ParamKind.LINEAR) {
                fanIn.put(stem(s.name()), ts[1]);
            }
        }
        for (ParamSpec s : specs) {
            String stem = stem(s.name());
            INDArray a;
            if (stem.equals("out_conv")) {
                a = Nd4j.zeros(DataType.FLOAT, s.sameDiffShape());
            } else if (s.kind() == ParamKind.CONV || s.kind() == ParamKind.LINEAR
                    || (s.kind() == ParamKind.VECTOR && fanIn.containsKey(stem))) {
                double bound = 1.0 / Math.sqrt(fanIn.get(stem));
                a = Seeds.uniform(Seeds.mix(seed, counter++), -bound, bound, s.sameDiffShape());
            } else if (s.kind() == ParamKind.COUNTER) {
                a = Nd4j.scalar(DataType.LONG, 0L);
            } else if (s.name().endsWith(".weight") || s.name().endsWith(".running_var")) {
                a = Nd4j.ones(DataType.FLOAT, s.sameDiffShape());
            } else {
                a = Nd4j.zeros(DataType.FLOAT, s.sameDiffShape());
            }
            out.put(s.name(), a);
        }
        return new Parameters(specs, out);
    }

    private static String stem(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }

    /**
     * Takes tensors in PyTorch layout by {@code state_dict} name. Every tensor of the network must be there
     * with its exact shape, and nothing else; otherwise the error lists all offending names.
     */
    public static Parameters fromStateDict(UNetArchitecture arch, Map<String, INDArray> torchLayout, String source) {
        return fromNamedArrays(arch, torchLayout, source, true);
    }

    /** Takes tensors already in SameDiff layout (as a saved SameDiff graph holds them), with the same checks. */
    public static Parameters fromSameDiffLayout(UNetArchitecture arch, Map<String, INDArray> arrays, String source) {
        return fromNamedArrays(arch, arrays, source, false);
    }

    private static Parameters fromNamedArrays(UNetArchitecture arch, Map<String, INDArray> torchLayout, String source,
                                              boolean isTorchLayout) {
        List<ParamSpec> specs = arch.params();
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        Set<String> expected = new LinkedHashSet<>();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            expected.add(s.name());
            INDArray a = torchLayout.get(s.name());
            if (a == null && s.kind() == ParamKind.COUNTER) {
                // BatchNorm's num_batches_tracked, absent from older PyTorch exports: PyTorch fills in 0 as well
                out.put(s.name(), Nd4j.scalar(DataType.LONG, 0L));
                continue;
            }
            if (a == null) {
                missing.add(s.name());
                continue;
            }
            long[] expectedShape = isTorchLayout ? s.torchShape() : s.sameDiffShape();
            if (!Arrays.equals(a.shape(), expectedShape) && !(s.kind() == ParamKind.COUNTER && a.length() == 1)) {
                misshaped.add(s.name() + " " + Arrays.toString(a.shape()) + " (expected "
                        + Arrays.toString(expectedShape) + ")");
                continue;
            }
            out.put(s.name(), isTorchLayout ? toSameDiff(s, a) : copyOf(s, a));
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : torchLayout.keySet()) {
            if (!expected.contains(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misshaped.isEmpty()) {
            throw new WeightMismatchException(source, missing, unexpected, misshaped);
        }
        List<String> nonFinite = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : torchLayout.entrySet()) {
            INDArray a = e.getValue();
            if (!org.ddim4j.io.Bounds.allFinite(a)) {
                nonFinite.add(e.getKey());
            }
        }
        if (!nonFinite.isEmpty()) {
            throw new org.ddim4j.io.TensorFormatException(source + ": NaN or infinite values in " + nonFinite
                    + " (a diverged or damaged model)");
        }
        return new Parameters(specs, out);
    }

    /**
     * A tensor in SameDiff layout. Trainable tensors may come back as views of the argument: the constructor
     * copies them into its vector, so a second copy here would only be garbage the size of the network.
     */
    private static INDArray toSameDiff(ParamSpec s, INDArray torch) {
        INDArray laidOut = switch (s.kind()) {
            case CONV -> torch.castTo(DataType.FLOAT).permute(2, 3, 1, 0);
            case LINEAR -> torch.castTo(DataType.FLOAT).transpose();
            case COUNTER -> torch.castTo(DataType.LONG).reshape(new long[0]);
            default -> torch.castTo(DataType.FLOAT);
        };
        return s.kind().trainable() ? laidOut : laidOut.dup('c');
    }

    /** As {@link #toSameDiff}, for a tensor already in SameDiff layout. */
    private static INDArray copyOf(ParamSpec s, INDArray a) {
        INDArray typed = s.kind() == ParamKind.COUNTER ? a.castTo(DataType.LONG).reshape(new long[0]) : a.castTo(DataType.FLOAT);
        return s.kind().trainable() ? typed : typed.dup('c');
    }

    private static INDArray toTorch(ParamSpec s, INDArray sameDiff) {
        return switch (s.kind()) {
            case CONV -> sameDiff.permute(3, 2, 0, 1).dup('c');
            case LINEAR -> sameDiff.transpose().dup('c');
            default -> sameDiff.dup('c');
        };
    }

    /** Copies of all tensors in PyTorch layout, in {@code state_dict} order. */
    public Map<String, INDArray> toStateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            out.put(s.name(), toTorch(s, arrays.get(s.name())));
        }
        return out;
    }

    public List<ParamSpec> specs() {
        return specs;
    }

    public ParamSpec spec(String name) {
        return byName.get(name);
    }

    /** The live array (SameDiff layout) of a tensor. */
    public INDArray get(String name) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return a;
    }

    /** All live arrays by name (SameDiff layout), unmodifiable. */
    public Map<String, INDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Names of the tensors the optimiser updates. */
    public List<String> trainableNames() {
        List<String> out = new ArrayList<>();
        for (ParamSpec s : specs) {
            if (s.kind().trainable()) {
                out.add(s.name());
            }
        }
        return out;
    }

    public long trainableCount() {
        long n = 0;
        for (ParamSpec s : specs) {
            if (s.kind().trainable()) {
                n += s.size();
            }
        }
        return n;
    }

    /** A deep copy with its own arrays. */
    public Parameters copy() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        // trainable tensors are copied into the new vector by the constructor
        arrays.forEach((k, v) -> out.put(k, byName.get(k).kind().trainable() ? v : v.dup()));
        return new Parameters(specs, out);
    }

    /** Copies every tensor of {@code other} (same network) into this one's arrays, in place. */
    public void assign(Parameters other) {
        if (!other.specs.equals(specs)) {
            throw new IllegalArgumentException("parameters of a different network");
        }
        arrays.forEach((k, v) -> v.assign(other.arrays.get(k)));
    }
}
