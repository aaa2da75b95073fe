package org.ddim4j.data.imagenet;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.io.Npy;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Downsampled ImageNet 64x64 (1,281,167 training and 50,000 validation images) as its npz files hold it:
 * {@code Imagenet64_train_npz/train_data_batch_1.npz} to {@code _10.npz} and {@code Imagenet64_val_npz/val_data.npz}
 * (or the files directly in ROOT). Each holds {@code data}, uint8 [N, 12288] (the red, green and blue 64x64
 * planes of each image), and {@code labels}, 1..1000 (classes 0..999 here).
 *
 * <p>Streaming: only the labels (8 bytes an image) are read up front. The official files store their
 * entries uncompressed, so an image is 12,288 bytes read at its position in the file; a deflated entry (a
 * re-packed file) is inflated sequentially, which is fast in index order and slow out of it.
 */
public final class Imagenet64Dataset implements ImageSplit {
    public static final String URL = "https://image-net.org/download-images.php (Downsampled ImageNet 64x64, npz)";
    public static final int CLASSES = 1000;
    static final int SIDE = 64;
    static final int ROW = 3 * SIDE * SIDE;
    private final Split split;
    private final List<Part> parts;
    private final int size;

    private Imagenet64Dataset(Split split, List<Part> parts) {
        this.split = split;
        this.parts = parts;
        this.size = parts.stream().mapToInt(p -> p.labels.length).sum();
    }

    public static Imagenet64Dataset open(Path root, Split split) {
        List<Path> files = new ArrayList<>();
        switch (split) {
            case TRAIN -> {
                for (int i = 1; i <= 10; i++) {
                    String name = "train_data_batch_" + i + ".npz";
                    files.add(DatasetFiles.firstExisting("imagenet64", URL, root.resolve("Imagenet64_train_npz").resolve(name),
                            root.resolve(name)));
                }
            }
            case VALID -> files.add(DatasetFiles.firstExisting("imagenet64", URL,
                    root.resolve("Imagenet64_val_npz").resolve("val_data.npz"), root.resolve("val_data.npz")));
            case TEST -> throw new IllegalArgumentException("imagenet64: there is no public test split; use train or valid");
        }
        List<Part> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(new Part(f));
        }
        return new Imagenet64Dataset(split, parts);
    }

    /** One npz file: its labels, and where (or how) its images are read. */
    private static final class Part {
        final Path file;
        final int[] labels;
        final long dataOffset;          // of the first image in the file, for a stored entry; -1 if deflated
        final FileChannel channel;
        InputStream sequential;         // for a deflated entry
        long nextRow;
        boolean closed;

        Part(Path file) {
            this.file = file;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                ZipArchiveEntry data = entry(zip, "data.npy");
                ZipArchiveEntry labelEntry = entry(zip, "labels.npy");
                INDArray l;
                try (InputStream in = zip.getInputStream(labelEntry)) {
                    l = Npy.read(in, file + ":labels.npy");
                }
                labels = new int[(int) l.length()];
                for (int i = 0; i < labels.length; i++) {
                    int v = l.getInt(i);
                    if (v < 1 || v > CLASSES) {
                        throw new IllegalArgumentException(file + ": label " + v + " of image " + i + " is outside 1.." + CLASSES);
                    }
                    labels[i] = v - 1;
                }
                long headerBytes;
                try (Counting in = new Counting(zip.getInputStream(data))) {
                    Npy.Header h = Npy.readHeader(in, file + ":data.npy");
                    if (!h.descr().equals("|u1") || h.shape().length != 2 || h.shape()[1] != ROW || h.fortranOrder()) {
                        throw new IllegalArgumentException(file + ":data.npy is " + h.descr() + " " + java.util.Arrays.toString(h.shape())
                                + ", expected uint8 [N, " + ROW + "] in C order");
                    }
                    if (h.shape()[0] != labels.length) {
                        throw new IllegalArgumentException(file + ": " + h.shape()[0] + " images but " + labels.length + " labels");
                    }
                    headerBytes = in.count;
                }
                boolean stored = data.getMethod() == java.util.zip.ZipEntry.STORED;
                dataOffset = stored ? data.getDataOffset() + headerBytes : -1;
                channel = stored ? FileChannel.open(file, StandardOpenOption.READ) : null;
            } catch (IOException e) {
                throw new UncheckedIOException("imagenet64: cannot read " + file + " as an npz file: " + e.getMessage(), e);
            }
        }

        private static ZipArchiveEntry entry(ZipFile zip, String name) {
            ZipArchiveEntry e = zip.getEntry(name);
            if (e == null) {
                throw new IllegalArgumentException("imagenet64: npz file lacks " + name);
            }
            return e;
        }

        byte[] row(int r) throws IOException {
            byte[] out = new byte[ROW];
            if (channel != null) {
                ByteBuffer buf = ByteBuffer.wrap(out);
                long at = dataOffset + (long) r * ROW;
                while (buf.hasRemaining()) {
                    if (channel.read(buf, at + buf.position()) < 0) {
                        throw new IOException(file + ": truncated at image " + r);
                    }
                }
                return out;
            }
            synchronized (this) {
                if (sequential == null || r < nextRow) {
                    reopen();
                }
                sequential.skipNBytes((r - nextRow) * ROW);
                if (sequential.readNBytes(out, 0, ROW) < ROW) {
                    throw new IOException(file + ": truncated at image " + r);
                }
                nextRow = r + 1;
                return out;
            }
        }

        synchronized void close() {
            try {
                if (channel != null) {
                    channel.close();
                }
                if (sequential != null) {
                    sequential.close();
                    sequential = null;
                }
                closed = true;
            } catch (IOException ignored) {
                // closing a read-only file: nothing to lose
            }
        }

        private void reopen() throws IOException {
            if (closed) {
                throw new IOException(file + ": the dataset was closed");
            }
            if (sequential != null) {
                sequential.close();
            }
            ZipFile zip = new ZipFile(file.toFile());
            InputStream raw = zip.getInputStream(zip.getEntry("data.npy"));
            sequential = new java.io.BufferedInputStream(new FilterInputStream(raw) {
                @Override
                public void close() throws IOException {
                    super.close();
                    zip.close();
                }
            }, 1 << 16);
            Npy.readHeader(sequential, file + ":data.npy");
            nextRow = 0;
        }
    }

    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    private record Position(Part part, int row) {
    }

    private Position position(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("image " + index + " of " + size);
        }
        int i = index;
        for (Part p : parts) {
            if (i < p.labels.length) {
                return new Position(p, i);
            }
            i -= p.labels.length;
        }
        throw new IllegalStateException();
    }

    @Override
    public String dataset() {
        return "imagenet64";
    }

    @Override
    public Split split() {
        return split;
    }

    @Override
    public int size() {
        return size;
    }

    /** Closes every npz file's channel and stream (reads after this fail with an IOException). */
    @Override
    public void close() {
        for (Part p : parts) {
            p.close();
        }
    }

    @Override
    public BufferedImage image(int index) throws IOException {
        Position p = position(index);
        byte[] row = p.part().row(p.row());
        BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        int plane = SIDE * SIDE;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int k = y * SIDE + x;
                img.setRGB(x, y, (row[k] & 0xff) << 16 | (row[plane + k] & 0xff) << 8 | (row[2 * plane + k] & 0xff));
            }
        }
        return img;
    }

    @Override
    public String source(int index) {
        Position p = position(index);
        return String.format(Locale.ROOT, "%s:data.npy[%d]", p.part().file, p.row());
    }

    @Override
    public int numClasses() {
        return CLASSES;
    }

    @Override
    public int label(int index) {
        Position p = position(index);
        return p.part().labels[p.row()];
    }
}
