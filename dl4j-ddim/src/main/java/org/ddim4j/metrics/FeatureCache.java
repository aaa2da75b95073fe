package org.ddim4j.metrics;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Npz;
import org.ddim4j.io.Sha256;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Features of a dataset split, kept on disk so that a reference set is computed once. An entry is keyed by the
 * dataset, split, image size, image count and the feature network with its weights' SHA-256; it is a features
 * file ({@code features} [N, D]) and a sidecar holding the key and the file's SHA-256. An entry whose sidecar is
 * missing or unreadable, whose key differs (other weights, a changed split) or whose file does not match its
 * hash or shape is stale or damaged: it is recomputed and rewritten, never trusted.
 */
public final class FeatureCache {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);

    /**
     * What a cached feature set was computed from.
     *
     * @param dataset   the dataset's name
     * @param split     its split
     * @param size      the image size the images were read at
     * @param count     the number of images
     * @param features  the feature network's name
     * @param weights   the SHA-256 of its weights
     * @param dimension the feature width
     * @param listing   a fingerprint of the images (the SHA-256 of their paths in order), so that another folder
     *                  or a changed listing under the same dataset name is a different entry
     */
    public record Key(String dataset, String split, int size, int count, String features, String weights, int dimension,
                      String listing) {
        /** The file name stem of the entry. */
        String stem() {
            return (dataset + "-" + split + "-" + size + "px-" + count + "-" + features + "-" + weights.substring(0, 12))
                    .replaceAll("[^A-Za-z0-9._-]", "_");
        }
    }

    private record Sidecar(Key key, String sha256) {
    }

    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    /** The default folder: {@code ~/.ddim4j/cache/features}, or {@code features} under the property ddim4j.cache. */
    public static FeatureCache inHome() {
        String dir = System.getProperty("ddim4j.cache");
        return new FeatureCache(dir != null ? Path.of(dir, "features")
                : Path.of(System.getProperty("user.home"), ".ddim4j", "cache", "features"));
    }

    public Path file(Key key) {
        return dir.resolve(key.stem() + ".npz");
    }

    /** The cached features of the key, or those {@code compute} gives (then stored) when there is no valid entry. */
    public INDArray getOrCompute(Key key, Supplier<INDArray> compute) throws IOException {
        INDArray cached = read(key);
        if (cached != null) {
            return cached;
        }
        INDArray features = compute.get();
        if (features.rank() != 2 || features.size(0) != key.count() || features.size(1) != key.dimension()) {
            throw new IllegalStateException("computed features " + java.util.Arrays.toString(features.shape())
                    + " do not fit the key " + key);
        }
        Files.createDirectories(dir);
        Path file = file(key);
        Npz.write(file, Map.of("features", features));
        AtomicFiles.writeString(sidecar(file), new GsonBuilder().setPrettyPrinting().create()
                .toJson(new Sidecar(key, Sha256.hex(file))));
        return features;
    }

    /** The entry's features when it is there and valid, else null (the reason logged). */
    INDArray read(Key key) {
        Path file = file(key);
        Path side = sidecar(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(side)) {
            return null;
        }
        try {
            Sidecar s = new Gson().fromJson(Files.readString(side), Sidecar.class);
            if (s == null || !key.equals(s.key())) {
                LOG.info("feature cache {}: computed for {}, not {}: recomputing", file, s == null ? null : s.key(), key);
                return null;
            }
            if (!Sha256.hex(file).equals(s.sha256())) {
                LOG.warn("feature cache {}: damaged (checksum mismatch): recomputing", file);
                return null;
            }
            INDArray f = Npz.readArray(file, "features");
            if (f.rank() != 2 || f.size(0) != key.count() || f.size(1) != key.dimension()) {
                LOG.warn("feature cache {}: features {} do not fit the key: recomputing", file, java.util.Arrays.toString(f.shape()));
                return null;
            }
            return f;
        } catch (IOException | RuntimeException e) {   // Gson's JsonParseException and format errors are runtime exceptions
            LOG.warn("feature cache {}: unreadable ({}): recomputing", file, e.getMessage());
            return null;
        }
    }

    private static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName().toString().replaceAll("\\.npz$", "") + ".json");
    }
}
