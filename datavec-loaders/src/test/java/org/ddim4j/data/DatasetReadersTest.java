package org.ddim4j.data;

import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.ddim4j.data.anime.AnimeDataset;
import org.ddim4j.data.celeba.CelebaDataset;
import org.ddim4j.data.ffhq.FfhqDataset;
import org.ddim4j.data.flowers.Flowers102Dataset;
import org.ddim4j.data.imagenet.Imagenet64Dataset;
import org.ddim4j.data.lsun.ChurchDataset;
import org.ddim4j.data.miniplaces.MiniplacesDataset;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.ddim4j.data.DatasetFixtures.colour;
import static org.ddim4j.data.DatasetFixtures.jpeg;
import static org.ddim4j.data.DatasetFixtures.png;
import static org.ddim4j.data.DatasetFixtures.solid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetReadersTest {
    /** All records of a split through the DataVec reader. */
    private static List<List<Writable>> readAll(ImageSplit data, int size, boolean strict) {
        StreamingImageRecordReader r = new StreamingImageRecordReader(data, size, 0.0, 0, strict, 2);
        List<List<Writable>> out = new ArrayList<>();
        while (r.hasNext()) {
            out.add(r.next());
        }
        r.close();
        return out;
    }

    private static INDArray image(List<Writable> record) {
        return ((NDArrayWritable) record.get(0)).get();
    }

    /** The mean of each channel of a record's image, back in 0..255. */
    private static double[] rgb(List<Writable> record) {
        INDArray img = image(record);
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            out[c] = (img.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .meanNumber().doubleValue() + 1) * 127.5;
        }
        return out;
    }

    private static void assertColour(int[] expected, List<Writable> record, double tolerance) {
        double[] got = rgb(record);
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], got[c], tolerance, "channel " + "RGB".charAt(c) + " of " + java.util.Arrays.toString(got));
        }
    }

    @Test
    void celebaSplitsAttributesAndColours(@TempDir Path root) throws IOException {
        Path base = root.resolve("celeba");                             // torchvision's layout
        String[] names = new String[40];
        for (int i = 0; i < 40; i++) {
            names[i] = "Attr_" + i;
        }
        StringBuilder attr = new StringBuilder("5\n" + String.join(" ", names) + " \n");
        StringBuilder part = new StringBuilder();
        int[] partition = {0, 0, 1, 2, 0};
        for (int i = 0; i < 5; i++) {
            String f = String.format(Locale.ROOT, "%06d.jpg", i + 1);
            int[] c = colour(i);
            jpeg(base.resolve("img_align_celeba").resolve(f), solid(178, 218, c[0], c[1], c[2]));
            attr.append(f);
            for (int a = 0; a < 40; a++) {
                attr.append((a + i) % 3 == 0 ? "  1" : " -1");             // CelebA pads "1" to the width of "-1"
            }
            attr.append('\n');
            part.append(f).append(' ').append(partition[i]).append('\n');
        }
        Files.writeString(base.resolve("list_attr_celeba.txt"), attr);
        Files.writeString(base.resolve("list_eval_partition.txt"), part);
        CelebaDataset train = CelebaDataset.open(root, Split.TRAIN);
        assertEquals(3, train.size());
        assertEquals(1, CelebaDataset.open(root, Split.VALID).size());
        assertEquals(1, CelebaDataset.open(root, Split.TEST).size());
        assertEquals(40, train.attributeNames().size());
        assertEquals("Attr_39", train.attributeNames().get(39));
        List<List<Writable>> records = readAll(train, 64, true);
        assertEquals(3, records.size());
        assertArrayEquals(new long[]{1, 3, 64, 64}, image(records.get(0)).shape());
        int[] fileIndex = {0, 1, 4};
        for (int k = 0; k < 3; k++) {
            assertColour(colour(fileIndex[k]), records.get(k), 3);
            INDArray a = ((NDArrayWritable) records.get(k).get(1)).get();
            for (int j = 0; j < 40; j++) {
                assertEquals((j + fileIndex[k]) % 3 == 0 ? 1.0 : 0.0, a.getDouble(0, j), "attribute " + j);
            }
        }
        // a partition file naming a file outside ROOT is refused
        Files.writeString(base.resolve("list_eval_partition.txt"), "../../../etc/passwd 0\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CelebaDataset.open(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("outside the dataset root"), e.getMessage());
    }

    @Test
    void missingFilesNameTheExpectedPathAndWhereToDownload(@TempDir Path root) {
        var e = assertThrows(DatasetNotFoundException.class, () -> CelebaDataset.open(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("img_align_celeba") && e.getMessage().contains("mmlab"), e.getMessage());
        e = assertThrows(DatasetNotFoundException.class, () -> Imagenet64Dataset.open(root, Split.VALID));
        assertTrue(e.getMessage().contains("val_data.npz") && e.getMessage().contains("image-net.org"), e.getMessage());
        e = assertThrows(DatasetNotFoundException.class, () -> ChurchDataset.open(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("church_outdoor_train_lmdb"), e.getMessage());
        var u = assertThrows(IllegalArgumentException.class, () -> ImageDatasets.open("mnist", root, Split.TRAIN));
        assertTrue(u.getMessage().contains("celeba"), u.getMessage());
    }

    @Test
    void ffhqSplitsByTheStreamedMetadataOrByNumber(@TempDir Path root) throws IOException {
        int[] numbers = {0, 1, 2, 60000};
        for (int n : numbers) {
            int[] c = colour(n % 7);
            png(root.resolve("thumbnails128x128").resolve(String.format("%05d", n / 1000 * 1000))
                    .resolve(String.format("%05d.png", n)), solid(128, 128, c[0], c[1], c[2]));
        }
        assertEquals(3, FfhqDataset.open(root, Split.TRAIN).size());    // without metadata: below 60,000 trains
        assertEquals(1, FfhqDataset.open(root, Split.VALID).size());
        StringBuilder json = new StringBuilder("{\n");
        for (int k = 0; k < numbers.length; k++) {
            json.append(String.format(Locale.ROOT, "  \"%d\": {\"category\": \"%s\", \"metadata\": {\"photo_url\": \"x\","
                            + " \"license\": \"cc\"}, \"image\": {\"file_size\": 1, \"pixel_size\": [1024, 1024]},"
                            + " \"thumbnail\": {\"file_path\": \"thumbnails128x128/00000/%05d.png\"}}%s%n",
                    numbers[k], k == 1 ? "validation" : "training", numbers[k], k < numbers.length - 1 ? "," : ""));
        }
        Files.writeString(root.resolve("ffhq-dataset-v2.json"), json.append("}\n"));
        FfhqDataset train = FfhqDataset.open(root, Split.TRAIN);
        assertEquals(3, train.size());
        List<List<Writable>> records = readAll(train, 32, true);
        assertEquals(1, records.get(0).size());                          // no labels
        assertColour(colour(0), records.get(0), 0.5);                    // PNG: exact
        assertColour(colour(60000 % 7), records.get(2), 0.5);
        assertEquals(1, FfhqDataset.open(root, Split.VALID).size());
    }

    /** An LMDB with LSUN's layout: 40-hex-character keys, WebP (and one JPEG and one broken) values. */
    private static Path churchLmdb(Path root, String name, int webps, boolean withBroken) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(1 << 24).setMaxDbs(1).open(dir.toFile())) {
            Dbi<byte[]> db = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
            for (int i = 0; i < webps; i++) {
                try (InputStream in = DatasetReadersTest.class.getResourceAsStream("/webp/church" + i + ".webp")) {
                    db.put(key(i), in.readAllBytes());
                }
            }
            ByteArrayOutputStream jpg = new ByteArrayOutputStream();
            Path tmp = jpeg(root.resolve("tmp.jpg"), solid(10, 10, 200, 40, 90));
            db.put(key(webps), Files.readAllBytes(tmp));
            if (withBroken) {
                db.put(key(webps + 1), "RIFF....WEBPbroken".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return dir;
    }

    private static byte[] key(int i) {
        return String.format("%040x", 0xabc000 + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void churchReadsWebpFromLmdbSkippingTheBrokenValue(@TempDir Path root) throws IOException {
        churchLmdb(root, "church_outdoor_train_lmdb", 3, true);
        churchLmdb(root, "church_outdoor_val_lmdb", 1, false);
        try (ChurchDataset train = ChurchDataset.open(root, Split.TRAIN)) {
            assertEquals(5, train.size());
            var img = train.image(1);                                  // lossless WebP: exact, RGB order
            assertEquals(0xff0000, img.getRGB(0, 0) & 0xffffff);
            assertEquals(250 << 16 | 240 << 8 | 5, img.getRGB(5, 5) & 0xffffff);
            StreamingImageRecordReader r = new StreamingImageRecordReader(train, 16, 0.0, 0, false, 2);
            int n = 0;
            while (r.hasNext()) {
                r.next();
                n++;
            }
            assertEquals(4, n);
            assertEquals(1, r.skipped());
            var e = assertThrows(UncheckedIOException.class, () -> readAll(train, 16, true));
            assertTrue(e.getMessage().contains("church_outdoor_train_lmdb[") && e.getMessage().contains("abc004"), e.getMessage());
        }
        try (ChurchDataset valid = ChurchDataset.open(root, Split.VALID)) {
            assertEquals(2, valid.size());
        }
    }

    @Test
    void flowersReadsMatlabLabelsAndSplits(@TempDir Path root) throws IOException {
        int n = 6;
        Matrix labels = Mat5.newMatrix(1, n);
        for (int i = 0; i < n; i++) {
            labels.setDouble(i, i == 5 ? 102 : i + 1);
            int[] c = colour(i);
            jpeg(root.resolve("jpg").resolve(String.format("image_%05d.jpg", i + 1)), solid(50, 40, c[0], c[1], c[2]));
        }
        MatFile l = Mat5.newMatFile().addArray("labels", labels);
        Mat5.writeToFile(l, root.resolve("imagelabels.mat").toFile());
        MatFile s = Mat5.newMatFile().addArray("trnid", ids(6, 1, 3)).addArray("valid", ids(2)).addArray("tstid", ids(4, 5));
        Mat5.writeToFile(s, root.resolve("setid.mat").toFile());
        Flowers102Dataset train = Flowers102Dataset.open(root, Split.TRAIN);
        assertEquals(3, train.size());
        assertEquals(101, train.label(0));                             // image 6 is class 102: index 101
        assertEquals(0, train.label(1));
        assertEquals(2, Flowers102Dataset.open(root, Split.TEST).size());
        List<List<Writable>> records = readAll(train, 32, true);
        assertEquals(101, ((IntWritable) records.get(0).get(1)).get());
        assertColour(colour(5), records.get(0), 3);
        // with DataVec's iterator: features [B, 3, 32, 32] and one-hot labels over 102 classes
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(
                new StreamingImageRecordReader(train, 32, 0.5, 1, true, 2), 2, 1, Flowers102Dataset.CLASSES);
        DataSet batch = it.next();
        assertArrayEquals(new long[]{2, 3, 32, 32}, batch.getFeatures().shape());
        assertEquals(1.0, batch.getLabels().getDouble(0, 101));
        Files.writeString(root.resolve("setid.mat"), "MATLAB 5.0 MAT-file, but not really");
        var e = assertThrows(IllegalArgumentException.class, () -> Flowers102Dataset.open(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("setid.mat"), e.getMessage());
    }

    private static Matrix ids(int... values) {
        Matrix m = Mat5.newMatrix(1, values.length);
        for (int i = 0; i < values.length; i++) {
            m.setDouble(i, values[i]);
        }
        return m;
    }

    /** An npz as numpy.savez writes it: data uint8 [n, 12288] (R, G, B planes) and labels int64. */
    private static void imagenetNpz(Path file, int n, int firstLabel, boolean deflate) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] data = new byte[n * 12288];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            int[] c = colour(i + firstLabel);
            for (int ch = 0; ch < 3; ch++) {
                for (int k = 0; k < 4096; k++) {
                    data[i * 12288 + ch * 4096 + k] = (byte) c[ch];
                }
            }
            data[i * 12288] = (byte) 255;                               // top-left red only
            data[i * 12288 + 4096] = 0;
            data[i * 12288 + 8192] = 0;
            labels[i] = firstLabel + i;
        }
        ByteBuffer lb = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : labels) {
            lb.putLong(v);
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            entry(zip, "data.npy", npy("|u1", "(" + n + ", 12288)", data), deflate);
            entry(zip, "labels.npy", npy("<i8", "(" + n + ",)", lb.array()), deflate);
        }
    }

    private static byte[] npy(String descr, String shape, byte[] body) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes, boolean deflate) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (!deflate) {
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    @Test
    void imagenet64ReadsStoredAndDeflatedNpzByPosition(@TempDir Path root) throws IOException {
        for (int b = 1; b <= 10; b++) {
            imagenetNpz(root.resolve("Imagenet64_train_npz").resolve("train_data_batch_" + b + ".npz"), 2, 10 * b, b % 2 == 0);
        }
        imagenetNpz(root.resolve("val_data.npz"), 3, 1, true);        // directly in ROOT, deflated
        Imagenet64Dataset train = Imagenet64Dataset.open(root, Split.TRAIN);
        assertEquals(20, train.size());
        assertEquals(1000, train.numClasses());
        for (int i : new int[]{0, 3, 19, 2}) {                        // stored, deflated, out of order
            int b = i / 2 + 1;
            int label = 10 * b + i % 2;
            assertEquals(label - 1, train.label(i), "label of " + i);    // the file's 1..1000 becomes 0..999
            var img = train.image(i);
            int[] c = colour(label);
            assertEquals(0xff0000, img.getRGB(0, 0) & 0xffffff);
            assertEquals(c[0] << 16 | c[1] << 8 | c[2], img.getRGB(10, 20) & 0xffffff, "pixel of image " + i);
        }
        List<List<Writable>> valid = readAll(Imagenet64Dataset.open(root, Split.VALID), 64, true);
        assertEquals(3, valid.size());
        assertEquals(2, ((IntWritable) valid.get(2).get(1)).get());      // the file says 3
        train.close();                                                   // its file channels and streams
        assertThrows(IOException.class, () -> train.image(0), "a stored part's channel is closed");
        assertThrows(IOException.class, () -> train.image(3), "a deflated part is not reopened");
    }

    @Test
    void miniplacesListsUnderDataWithClassesAndRefusesEscapes(@TempDir Path root) throws IOException {
        Path images = root.resolve("data").resolve("images");
        String[] train = {"train/a/abbey/00000001.jpg 0", "train/a/abbey/00000002.jpg 0", "train/b/bedroom/00000001.jpg 7"};
        int k = 0;
        for (String line : train) {
            int[] c = colour(k++);
            jpeg(images.resolve(line.split(" ")[0]), solid(128, 128, c[0], c[1], c[2]));
        }
        jpeg(images.resolve("val/00000001.jpg"), solid(128, 128, 1, 2, 3));
        Files.writeString(root.resolve("data").resolve("train.txt"), String.join("\n", train) + "\n");
        Files.writeString(root.resolve("data").resolve("val.txt"), "val/00000001.jpg 99\n");
        MiniplacesDataset t = MiniplacesDataset.open(root, Split.TRAIN);
        assertEquals(3, t.size());
        assertEquals(7, t.label(2));
        List<List<Writable>> records = readAll(t, 64, true);
        assertColour(colour(2), records.get(2), 3);
        assertEquals(99, MiniplacesDataset.open(root, Split.VALID).label(0));
        Files.writeString(root.resolve("data").resolve("val.txt"), "../../../outside.jpg 1\n");
        var e = assertThrows(IllegalArgumentException.class, () -> MiniplacesDataset.open(root, Split.VALID));
        assertTrue(e.getMessage().contains("outside the dataset root"), e.getMessage());
        Files.writeString(root.resolve("data").resolve("val.txt"), "val/00000001.jpg 100\n");
        e = assertThrows(IllegalArgumentException.class, () -> MiniplacesDataset.open(root, Split.VALID));
        assertTrue(e.getMessage().contains("val.txt line 1"), e.getMessage());
    }

    @Test
    void animeSplitsDeterministicallyAndCropsMixedSizes(@TempDir Path root) throws IOException {
        int valid = 0;
        for (int i = 0; i < 60; i++) {
            String name = i + "_2019.jpg";
            int[] c = colour(i % 5);
            jpeg(root.resolve("images").resolve(name), solid(60 + i, 80 + 2 * i, c[0], c[1], c[2]));
            valid += AnimeDataset.isValidation(name) ? 1 : 0;
        }
        Files.writeString(root.resolve("images").resolve("broken.jpg"), "not a jpeg");
        AnimeDataset train = AnimeDataset.open(root, Split.TRAIN);
        AnimeDataset val = AnimeDataset.open(root, Split.VALID);
        assertEquals(61, train.size() + val.size());
        assertEquals(valid + (AnimeDataset.isValidation("broken.jpg") ? 1 : 0), val.size());
        assertTrue(valid > 0 && valid < 12, "validation images " + valid);
        StreamingImageRecordReader r = new StreamingImageRecordReader(train, 32, 0.5, 3, false, 2);
        int n = 0;
        while (r.hasNext()) {
            assertArrayEquals(new long[]{1, 3, 32, 32}, image(r.next()).shape());
            n++;
        }
        assertEquals(train.size() - r.skipped(), n);
        assertEquals(AnimeDataset.isValidation("broken.jpg") ? 0 : 1, r.skipped());
    }

    @Test
    void flipsAreDrawnFromTheSeedOnTheTrainingSplitOnly(@TempDir Path root) throws IOException {
        for (int i = 0; i < 8; i++) {
            var img = solid(16, 16, 0, 0, 0);
            img.setRGB(0, 0, 0xffffff);                                 // a white pixel at the left edge
            png(root.resolve("images").resolve("f" + i + ".png"), img);
        }
        ImageSplit train = AnimeDataset.open(root, Split.TRAIN);
        List<Boolean> first = flips(train, 7);
        assertEquals(first, flips(train, 7));
        assertTrue(first.contains(true) && first.contains(false), first.toString());
    }

    @Test
    void eachEpochDrawsNewFlipsAndTheSameSeedReplaysThemEpochByEpoch(@TempDir Path root) throws IOException {
        for (int i = 0; i < 24; i++) {
            var img = solid(16, 16, 0, 0, 0);
            img.setRGB(0, 0, 0xffffff);
            png(root.resolve("images").resolve("f" + i + ".png"), img);
        }
        ImageSplit train = AnimeDataset.open(root, Split.TRAIN);
        StreamingImageRecordReader a = new StreamingImageRecordReader(train, 16, 0.5, 5, true, 2);
        a.initialize(null);                                                 // before reading: still epoch 0
        List<Boolean> a0 = flips(a);
        a.reset();
        List<Boolean> a1 = flips(a);
        assertNotEquals(a0, a1, "epoch 1 replayed epoch 0's flips");
        StreamingImageRecordReader b = new StreamingImageRecordReader(train, 16, 0.5, 5, true, 3);
        assertEquals(a0, flips(b));
        b.reset();
        assertEquals(a1, flips(b));
    }

    private static List<Boolean> flips(ImageSplit data, long seed) {
        return flips(new StreamingImageRecordReader(data, 16, 0.5, seed, true, 3));
    }

    private static List<Boolean> flips(StreamingImageRecordReader r) {
        List<Boolean> out = new ArrayList<>();
        while (r.hasNext()) {
            INDArray img = image(r.next());
            out.add(img.getDouble(0, 0, 0, 15) > img.getDouble(0, 0, 0, 0));
        }
        return out;
    }

    @Test
    void theTrainerGetsBatchesByTheConfigsDatasetName(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("anime");
        for (int i = 0; i < 6; i++) {
            int[] c = colour(i);
            png(root.resolve("images").resolve("a" + i + ".png"), solid(40, 30, c[0], c[1], c[2]));
        }
        var config = org.ddim4j.config.ConfigLoader.preset("anime");
        var data = config.data().withShape(List.of(3, 16, 16));
        var batches = Datasets.trainingBatches(data, root, 0);
        // a shared root holding the dataset in a folder of its name (the seed's ~/.torch/datasets) works too
        assertEquals(batches.size(), Datasets.trainingBatches(data, root.getParent(), 0).size());
        assertEquals(AnimeDataset.open(root, Split.TRAIN).size(), batches.size());
        INDArray b = batches.batch(0, 2);
        assertArrayEquals(new long[]{2, 3, 16, 16}, b.shape());
    }
}
