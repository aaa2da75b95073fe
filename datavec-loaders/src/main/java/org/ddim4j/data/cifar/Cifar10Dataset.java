package org.ddim4j.data.cifar;

import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.data.Split;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from its binary release ({@code cifar-10-binary.tar.gz}, unpacked): {@code data_batch_1.bin} to
 * {@code data_batch_5.bin} (train, 50,000 images) and {@code test_batch.bin} (test, 10,000), in
 * {@code ROOT/cifar-10-batches-bin/} or directly in ROOT. A record is 3,073 bytes: the label (0..9), then
 * the 32x32 red, green and blue planes, row by row. Images are read on demand by position; nothing is held
 * in memory. The release has no validation split.
 */
public final class Cifar10Dataset {
    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    static final int SIDE = 32;
    static final int RECORD = 1 + 3 * SIDE * SIDE;

    private final Path folder;

    private Cifar10Dataset(Path folder) {
        this.folder = folder;
    }

    /** Checks that every file is there and whole. */
    public static Cifar10Dataset open(Path root) {
        Path folder = Files.isDirectory(root.resolve("cifar-10-batches-bin")) ? root.resolve("cifar-10-batches-bin") : root;
        for (String f : allFiles()) {
            Path p = folder.resolve(f);
            if (!Files.isRegularFile(p)) {
                throw new DatasetNotFoundException("CIFAR-10: expected " + p + " (download " + URL
                        + " and unpack it into " + root + ")");
            }
            try {
                long size = Files.size(p);
                if (size == 0 || size % RECORD != 0) {
                    throw new DatasetNotFoundException("CIFAR-10: " + p + " has " + size + " bytes, not a whole number of "
                            + RECORD + "-byte records (truncated download?)");
                }
            } catch (IOException e) {
                throw new DatasetNotFoundException("CIFAR-10: cannot read " + p + ": " + e, e);
            }
        }
        return new Cifar10Dataset(folder);
    }

    private static List<String> allFiles() {
        List<String> all = new ArrayList<>(files(Split.TRAIN));
        all.addAll(files(Split.TEST));
        return all;
    }

    private static List<String> files(Split split) {
        return switch (split) {
            case TRAIN -> List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin");
            case TEST -> List.of("test_batch.bin");
            case VALID -> List.of();
        };
    }

    /** The images of one split, addressed by index. */
    public Part split(Split split) {
        List<Path> paths = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (String f : files(split)) {
            Path p = folder.resolve(f);
            try {
                paths.add(p);
                counts.add(Files.size(p) / RECORD);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Part(paths, counts);
    }

    /** The records of one split, read by position. */
    public static final class Part {
        private final List<Path> files;
        private final long[] starts;
        private final int size;

        Part(List<Path> files, List<Long> counts) {
            this.files = List.copyOf(files);
            this.starts = new long[counts.size() + 1];
            for (int i = 0; i < counts.size(); i++) {
                starts[i + 1] = starts[i] + counts.get(i);
            }
            this.size = (int) starts[counts.size()];
        }

        public int size() {
            return size;
        }

        private ByteBuffer record(int index) throws IOException {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("record " + index + " of " + size);
            }
            int file = 0;
            while (index >= starts[file + 1]) {
                file++;
            }
            ByteBuffer buf = ByteBuffer.allocate(RECORD);
            try (FileChannel ch = FileChannel.open(files.get(file), StandardOpenOption.READ)) {
                long pos = (index - starts[file]) * (long) RECORD;
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        throw new IOException(files.get(file) + " ended inside record " + index);
                    }
                }
            }
            return buf.flip();
        }

        public int label(int index) throws IOException {
            return record(index).get(0) & 0xff;
        }

        /** Image i as [3, 32, 32] in [-1, 1] (RGB). */
        public INDArray image(int index) throws IOException {
            ByteBuffer r = record(index);
            float[] px = new float[3 * SIDE * SIDE];
            for (int k = 0; k < px.length; k++) {
                px[k] = (r.get(1 + k) & 0xff) / 127.5f - 1f;
            }
            return Nd4j.createFromArray(px).reshape(3, SIDE, SIDE);
        }
    }
}
