package org.ddim4j.edit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.ddim4j.io.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Noise-image pairs on disk, streamed: {@code latents.f32} (N x d float32, little-endian, row after row),
 * {@code scores.f32} (N x A classifier probabilities) and {@code meta.json} (count, latent shape, attribute
 * names, sampling steps, seed). The images themselves are not kept (they are G(z), regenerated at will).
 * A store is written batch by batch into a staging folder beside it ({@code DIR.partial-*}), flushed to disk and
 * swapped into place only when complete: a half-written store is never mistaken for one, and an interrupted
 * re-run leaves the previous complete store as it was. N of 262,144 (the seed's) costs only disk.
 */
public final class PairStore {
    public record Meta(long count, long[] latentShape, List<String> attributes, int steps, long seed) {
    }

    private final Path dir;
    private final Meta meta;

    private PairStore(Path dir, Meta meta) {
        this.dir = dir;
        this.meta = meta;
    }

    public Meta meta() {
        return meta;
    }

    private long rowLength() {
        long d = 1;
        for (long s : meta.latentShape()) {
            d *= s;
        }
        return d;
    }

    public static PairStore open(Path dir) {
        Path m = dir.resolve("meta.json");
        if (!Files.isRegularFile(m)) {
            throw new IllegalArgumentException(dir + " is not a pair store (no meta.json; ./ddim pairs writes one)");
        }
        try {
            Meta meta = new Gson().fromJson(Files.readString(m), Meta.class);
            PairStore s = new PairStore(dir, meta);
            long d = s.rowLength();
            long expected = meta.count() * d * 4;
            if (Files.size(dir.resolve("latents.f32")) != expected
                    || Files.size(dir.resolve("scores.f32")) != meta.count() * meta.attributes().size() * 4L) {
                throw new IllegalArgumentException(dir + ": latents.f32 or scores.f32 does not hold " + meta.count()
                        + " pairs of " + java.util.Arrays.toString(meta.latentShape()) + " and " + meta.attributes().size()
                        + " scores");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(dir + ": unreadable pair store: " + e.getMessage(), e);
        }
    }

    /** All scores [N, A]. */
    public INDArray scores() {
        return readRows(dir.resolve("scores.f32"), 0, meta.count(), meta.attributes().size());
    }

    /** Latents of pairs [from, to) as [to - from, d]. */
    public INDArray latents(long from, long to) {
        return readRows(dir.resolve("latents.f32"), from, to, rowLength());
    }

    private static INDArray readRows(Path file, long from, long to, long width) {
        int rows = (int) (to - from);
        float[] out = new float[(int) (rows * width)];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(out.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            long at = from * width * 4;
            while (buf.hasRemaining()) {
                if (ch.read(buf, at + buf.position()) < 0) {
                    throw new IOException(file + " ends early");
                }
            }
            buf.flip().asFloatBuffer().get(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Nd4j.create(out, new long[]{rows, width}, DataType.FLOAT);
    }

    /** Writes a store batch by batch, into a staging folder swapped into place by {@link #finish}. */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final Path staging;
        private final long[] latentShape;
        private final List<String> attributes;
        private final int steps;
        private final long seed;
        private final OutputStream latents;
        private final OutputStream scores;
        private long count;
        private boolean finished;

        public Writer(Path dir, long[] latentShape, List<String> attributes, int steps, long seed) throws IOException {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            this.dir = dir.toAbsolutePath();
            this.staging = Files.createTempDirectory(parent, dir.getFileName() + ".partial-");
            this.latentShape = latentShape.clone();
            this.attributes = List.copyOf(attributes);
            this.steps = steps;
            this.seed = seed;
            this.latents = new BufferedOutputStream(Files.newOutputStream(staging.resolve("latents.f32")), 1 << 20);
            this.scores = new BufferedOutputStream(Files.newOutputStream(staging.resolve("scores.f32")), 1 << 16);
        }

        /** Appends pairs: latents [B, C, H, W] and scores [B, A]. */
        public void append(INDArray z, INDArray s) throws IOException {
            if (z.size(0) != s.size(0) || s.size(1) != attributes.size()) {
                throw new IllegalArgumentException("batch of " + z.size(0) + " latents and " + java.util.Arrays.toString(s.shape())
                        + " scores; expected [" + z.size(0) + ", " + attributes.size() + "]");
            }
            write(latents, z);
            write(scores, s);
            count += z.size(0);
        }

        private static void write(OutputStream out, INDArray a) throws IOException {
            out.write(org.ddim4j.io.FloatRows.bytes(a));
        }

        public long count() {
            return count;
        }

        /**
         * Completes the store: 1. the data files are closed and flushed to disk; 2. meta.json is written into the
         * staging folder; 3. a previous store at DIR is renamed aside, the staging folder renamed to DIR, and the old
         * one deleted (a crash between the two renames leaves the old store whole as {@code DIR.old-*}).
         */
        public PairStore finish() throws IOException {
            latents.close();
            scores.close();
            force(staging.resolve("latents.f32"));
            force(staging.resolve("scores.f32"));
            Meta meta = new Meta(count, latentShape, attributes, steps, seed);
            AtomicFiles.writeString(staging.resolve("meta.json"), new GsonBuilder().setPrettyPrinting().create().toJson(meta));
            Path old = null;
            if (Files.exists(dir)) {
                old = dir.resolveSibling(dir.getFileName() + ".old-" + staging.getFileName().toString()
                        .substring(staging.getFileName().toString().lastIndexOf('-') + 1));
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            force(dir.getParent());
            if (old != null) {
                deleteTree(old);
            }
            finished = true;
            return new PairStore(dir, meta);
        }

        private static void force(Path p) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // folders cannot be opened everywhere (Windows); files always can
            }
        }

        private static void deleteTree(Path root) throws IOException {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        /** Without {@link #finish}: the staging folder is removed, and a previous store at DIR stays as it was. */
        @Override
        public void close() throws IOException {
            if (!finished) {
                latents.close();
                scores.close();
                deleteTree(staging);
            }
        }
    }
}
