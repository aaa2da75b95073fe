package org.ddim4j.data;

import org.ddim4j.Tags;
import org.ddim4j.data.anime.AnimeDataset;
import org.ddim4j.data.celeba.CelebaDataset;
import org.ddim4j.data.ffhq.FfhqDataset;
import org.ddim4j.data.flowers.Flowers102Dataset;
import org.ddim4j.data.imagenet.Imagenet64Dataset;
import org.ddim4j.data.lsun.ChurchDataset;
import org.ddim4j.data.miniplaces.MiniplacesDataset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Matrix;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Images per second of each reader at size 64 on this machine's cores, on synthetic files in each dataset's
 * real format and at its real image size (the real datasets cannot be downloaded here). Prints a table;
 * asserts nothing about speed. Run: {@code mvn -B -Pbench -pl datavec-loaders -am verify -Dtest=ReaderThroughputBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag(Tags.BENCHMARK)
class ReaderThroughputBenchmark {
    static final int N = 400;

    /** A textured image (noise over gradients), so JPEG and PNG sizes are realistic. */
    static BufferedImage textured(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = Math.min(255, (x * 255 / w + r.nextInt(40)));
                int g = Math.min(255, (y * 255 / h + r.nextInt(40)));
                int b = Math.min(255, ((x + y) % 200) + r.nextInt(40));
                img.setRGB(x, y, red << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static void measure(String name, Supplier<ImageSplit> open) {
        ImageSplit data = open.get();
        int threads = Runtime.getRuntime().availableProcessors();
        StreamingImageRecordReader warm = new StreamingImageRecordReader(data, 64, 0.5, 0, true, threads);
        for (int i = 0; i < 50 && warm.hasNext(); i++) {
            warm.next();
        }
        warm.close();
        StreamingImageRecordReader r = new StreamingImageRecordReader(data, 64, 0.5, 1, true, threads);
        long t0 = System.nanoTime();
        int n = 0;
        while (r.hasNext()) {
            r.next();
            n++;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        r.close();
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f |%n", name, n, n / s);
    }

    @Test
    void imagesPerSecond(@TempDir Path dir) throws Exception {
        System.out.println("| dataset | images | images/s (size 64, " + Runtime.getRuntime().availableProcessors() + " threads) |");
        System.out.println("|---|---|---|");
        // CelebA: 178x218 JPEG
        Path celeba = dir.resolve("celeba");
        StringBuilder part = new StringBuilder();
        StringBuilder attr = new StringBuilder(N + "\n" + "A ".repeat(40).trim() + "\n");
        for (int i = 0; i < N; i++) {
            String f = String.format(Locale.ROOT, "%06d.jpg", i + 1);
            DatasetFixtures.jpeg(celeba.resolve("img_align_celeba").resolve(f), textured(178, 218, i));
            part.append(f).append(" 0\n");
            attr.append(f).append(" -1  1".repeat(20)).append('\n');
        }
        Files.writeString(celeba.resolve("list_eval_partition.txt"), part);
        Files.writeString(celeba.resolve("list_attr_celeba.txt"), attr);
        measure("celeba (178x218 JPEG)", () -> CelebaDataset.open(celeba, Split.TRAIN));
        // FFHQ: 128x128 PNG thumbnails
        Path ffhq = dir.resolve("ffhq");
        for (int i = 0; i < N; i++) {
            DatasetFixtures.png(ffhq.resolve("thumbnails128x128").resolve("00000").resolve(String.format("%05d.png", i)),
                    textured(128, 128, i));
        }
        measure("ffhq (128x128 PNG)", () -> FfhqDataset.open(ffhq, Split.TRAIN));
        // Church: LMDB of 341x256 WebP
        Path church = Files.createDirectories(dir.resolve("church").resolve("church_outdoor_train_lmdb"));
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/webp/scene.webp")) {
            webp = in.readAllBytes();
        }
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(1L << 30).setMaxDbs(1).open(church.toFile())) {
            Dbi<byte[]> db = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
            for (int i = 0; i < N; i++) {
                db.put(String.format("%040x", i).getBytes(StandardCharsets.US_ASCII), webp);
            }
        }
        measure("church (LMDB, 341x256 WebP)", () -> ChurchDataset.open(dir.resolve("church"), Split.TRAIN));
        // Flowers102: about 500x600 JPEG
        Path flowers = dir.resolve("flowers");
        Matrix labels = Mat5.newMatrix(1, N);
        Matrix trn = Mat5.newMatrix(1, N);
        for (int i = 0; i < N; i++) {
            DatasetFixtures.jpeg(flowers.resolve("jpg").resolve(String.format("image_%05d.jpg", i + 1)), textured(500, 600, i));
            labels.setDouble(i, 1 + i % 102);
            trn.setDouble(i, i + 1);
        }
        Mat5.writeToFile(Mat5.newMatFile().addArray("labels", labels), flowers.resolve("imagelabels.mat").toFile());
        Mat5.writeToFile(Mat5.newMatFile().addArray("trnid", trn).addArray("valid", Mat5.newMatrix(1, 0))
                .addArray("tstid", Mat5.newMatrix(1, 0)), flowers.resolve("setid.mat").toFile());
        measure("flowers102 (500x600 JPEG)", () -> Flowers102Dataset.open(flowers, Split.TRAIN));
        // ImageNet 64: stored npz (the official layout), 10 files
        Path imagenet = dir.resolve("imagenet64");
        for (int b = 1; b <= 10; b++) {
            writeImagenetNpz(imagenet.resolve("train_data_batch_" + b + ".npz"), N / 10);
        }
        measure("imagenet64 (npz, stored)", () -> Imagenet64Dataset.open(imagenet, Split.TRAIN));
        // MiniPlaces: 128x128 JPEG
        Path mini = dir.resolve("miniplaces");
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < N; i++) {
            String f = String.format("train/a/abbey/%08d.jpg", i);
            DatasetFixtures.jpeg(mini.resolve("images").resolve(f), textured(128, 128, i));
            list.append(f).append(" 0\n");
        }
        Files.writeString(mini.resolve("train.txt"), list);
        measure("miniplaces (128x128 JPEG)", () -> MiniplacesDataset.open(mini, Split.TRAIN));
        // Anime: mixed sizes around 90x90 JPEG
        Path anime = dir.resolve("anime");
        for (int i = 0; i < N; i++) {
            DatasetFixtures.jpeg(anime.resolve("images").resolve(i + "_2019.jpg"), textured(80 + i % 40, 80 + i % 30, i));
        }
        measure("anime (about 90x90 JPEG)", () -> AnimeDataset.open(anime, Split.TRAIN));
    }

    private static void writeImagenetNpz(Path file, int n) throws IOException {
        byte[] data = new byte[n * 12288];
        new Random(n).nextBytes(data);
        java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            lb.putLong(1 + i % 1000);
        }
        Files.createDirectories(file.getParent());
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, "data.npy", npy("|u1", "(" + n + ", 12288)", data));
            stored(zip, "labels.npy", npy("<i8", "(" + n + ",)", lb.array()));
        }
    }

    private static byte[] npy(String descr, String shape, byte[] body) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (header.length() & 0xff),
                (byte) (header.length() >> 8)});
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void stored(java.util.zip.ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(name);
        e.setMethod(java.util.zip.ZipEntry.STORED);
        e.setSize(bytes.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
