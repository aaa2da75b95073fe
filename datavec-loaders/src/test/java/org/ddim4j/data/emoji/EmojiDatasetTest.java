package org.ddim4j.data.emoji;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.data.Split;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class EmojiDatasetTest {
    /**
     * Writes Noto's package in the npm tarball's layout: 40 base emoji (alternating categories "Flags" and
     * "Smileys & Emotion"), one with a skin-tone variant, each image transparent but for a red square.
     */
    public static void writeFakePackage(Path tgz) throws IOException {
        writeFakePackage(tgz, EmojiVendor.NOTO, 0xFFFF0000);
    }

    /** The same emoji in the vendor's package (its image folder), each image's square in the colour given (ARGB). */
    public static void writeFakePackage(Path tgz, EmojiVendor vendor, int square) throws IOException {
        StringBuilder json = new StringBuilder("[");
        try (OutputStream f = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(f))) {
            for (int i = 0; i < 40; i++) {
                String name = String.format("1f%03x.png", i);
                String category = i % 2 == 0 ? "Flags" : "Smileys & Emotion";
                json.append(i == 0 ? "" : ",").append("{\"image\":\"").append(name).append("\",\"category\":\"")
                        .append(category).append("\",\"subcategory\":\"sub").append(i % 3).append("\"");
                if (i == 1) {
                    json.append(",\"skin_variations\":{\"1F3FB\":{\"image\":\"1f001-1f3fb.png\"}}");
                }
                json.append("}");
                put(tar, "package/" + vendor.imageDir() + "/" + name, png(i, square));
                if (i == 1) {
                    put(tar, "package/" + vendor.imageDir() + "/1f001-1f3fb.png", png(99, square));
                }
            }
            put(tar, "package/" + vendor.imageDir().replace("/64", "/sheets") + "/ignored.png", png(0, square));
            put(tar, "package/emoji.json", (json + "]").getBytes(StandardCharsets.UTF_8));
            put(tar, "package/LICENSE", "MIT (code); images Apache-2.0".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] png(int seed, int square) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 16; y < 48; y++) {
            for (int x = 16; x < 48; x++) {
                img.setRGB(x, y, square);
            }
        }
        img.setRGB(0, 0, 0xFF0000FF | (seed << 8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static EmojiDataset fake(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeFakePackage(dir.resolve("emoji-datasource-google-16.0.0.tgz"));
        return EmojiDataset.open(dir, false);
    }

    @Test
    void unpacksAPackageLeftInTheFolderAndIndexesCategoriesAndSplits(@TempDir Path dir) throws IOException {
        EmojiDataset ds = fake(dir);
        assertEquals(java.util.List.of("Flags", "Smileys & Emotion"), ds.categories());
        assertEquals(41, ds.entries(Split.TRAIN).size() + ds.entries(Split.VALID).size());
        assertEquals(2, ds.entries(Split.VALID).size());
        assertEquals(0, ds.entries(Split.TEST).size());
        EmojiDataset.Entry variant = ds.entries(Split.TRAIN).stream().filter(e -> e.file().equals("1f001-1f3fb.png"))
                .findFirst().orElseThrow();
        assertEquals("Smileys & Emotion", variant.categoryName());
        assertTrue(Files.notExists(dir.resolve("img/google/sheets")), "only the 64px images are unpacked");
        EmojiDataset again = EmojiDataset.open(dir, false);
        assertEquals(ds.entries(Split.TRAIN), again.entries(Split.TRAIN));
    }

    @Test
    void theSubcategoryDatasetLabelsEachImageByItsNamedSubcategory(@TempDir Path dir) throws IOException {
        fake(dir);
        org.ddim4j.data.ImageSplit train = org.ddim4j.data.ImageDatasets.open("emoji-subcategories", dir, Split.TRAIN);
        assertEquals(java.util.List.of("sub0", "sub1", "sub2"), train.classNames());
        assertEquals(3, train.numClasses());
        for (int i = 0; i < train.size(); i++) {
            String file = java.nio.file.Path.of(train.source(i)).getFileName().toString();
            // base emoji k is "sub(k % 3)"; the skin-tone variant 1f001-1f3fb takes emoji 1's
            int k = Integer.parseInt(file.substring(2, 5), 16);
            assertEquals("sub" + (k % 3), train.classNames().get(train.label(i)), file);
        }
        org.ddim4j.data.ImageSplit byCategory = org.ddim4j.data.ImageDatasets.open("emoji", dir, Split.TRAIN);
        assertEquals(java.util.List.of("Flags", "Smileys & Emotion"), byCategory.classNames());
    }

    @Test
    void theSmileysDatasetKeepsOnlySmileysLabelledByTheirSubcategories(@TempDir Path dir) throws IOException {
        fake(dir);
        for (Split split : new Split[]{Split.TRAIN, Split.VALID}) {
            org.ddim4j.data.ImageSplit all = org.ddim4j.data.ImageDatasets.open("emoji", dir, split);
            org.ddim4j.data.ImageSplit smileys = org.ddim4j.data.ImageDatasets.open("emoji-smileys", dir, split);
            int expected = 0;
            for (int i = 0; i < all.size(); i++) {
                expected += all.classNames().get(all.label(i)).equals("Smileys & Emotion") ? 1 : 0;
            }
            assertEquals(expected, smileys.size(), split.toString());
            assertTrue(smileys.size() < all.size() && (split == Split.VALID || smileys.size() > 0), split.toString());
            for (int i = 0; i < smileys.size(); i++) {
                // in the fake package the smileys are the odd base emoji k, so their subcategory is "sub(k % 3)"
                String file = java.nio.file.Path.of(smileys.source(i)).getFileName().toString();
                int k = Integer.parseInt(file.substring(2, 5), 16);
                assertEquals(1, k % 2, file);
                assertEquals("sub" + (k % 3), smileys.classNames().get(smileys.label(i)), file);
            }
            assertEquals("emoji-smileys", smileys.dataset());
        }
    }

    @Test
    void imagesAreCompositedOntoWhiteInRgbOrder(@TempDir Path dir) throws IOException {
        EmojiDataset ds = fake(dir);
        INDArray img = ds.tensor(ds.entries(Split.TRAIN).get(0), 64);
        assertEquals(1.0, img.getDouble(0, 2, 2), 1e-6);
        assertEquals(1.0, img.getDouble(2, 2, 2), 1e-6);
        assertEquals(1.0, img.getDouble(0, 30, 30), 1e-6);
        assertEquals(-1.0, img.getDouble(1, 30, 30), 1e-6);
        assertEquals(-1.0, img.getDouble(2, 30, 30), 1e-6);
        INDArray small = ds.tensor(ds.entries(Split.TRAIN).get(0), 32);
        assertEquals(-1.0, small.getDouble(1, 15, 15), 1e-6);
        assertEquals(1.0, small.getDouble(1, 2, 2), 1e-6);
    }

    @Test
    void worksWithRecordReaderDataSetIterator(@TempDir Path dir) throws IOException {
        EmojiDataset ds = fake(dir);
        EmojiRecordReader reader = new EmojiRecordReader(ds, Split.TRAIN, 32, 0.5, new Random(1));
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader, 16, 1, ds.categories().size());
        int n = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            assertEquals(3, batch.getFeatures().size(1));
            assertEquals(32, batch.getFeatures().size(3));
            assertEquals(2, batch.getLabels().size(1));
            assertEquals(batch.getFeatures().size(0), batch.getLabels().sumNumber().longValue());
            n += batch.getFeatures().size(0);
        }
        assertEquals(39, n);
        it.reset();
        assertTrue(it.hasNext());
    }

    @Test
    void flipsOnlyTheTrainingSplitAndAsOftenAsAsked(@TempDir Path dir) throws IOException {
        EmojiDataset ds = fake(dir);
        int flipped = 0;
        EmojiRecordReader train = new EmojiRecordReader(ds, Split.TRAIN, 64, 0.5, new Random(3));
        while (train.hasNext()) {
            INDArray img = ((org.datavec.api.writable.NDArrayWritable) train.next().get(0)).get();
            // the marker pixel (no red) sits at (0, 0) on white; a flip moves it to (0, 63)
            flipped += img.getDouble(0, 0, 0, 63) < 0 ? 1 : 0;
        }
        assertTrue(flipped > 8 && flipped < 31, "flipped " + flipped + " of 39");
        EmojiRecordReader valid = new EmojiRecordReader(ds, Split.VALID, 64, 1.0, new Random(3));
        while (valid.hasNext()) {
            INDArray img = ((org.datavec.api.writable.NDArrayWritable) valid.next().get(0)).get();
            assertTrue(img.getDouble(0, 0, 0, 63) > 0.99 && img.getDouble(0, 0, 0, 0) < 0, "validation image flipped");
        }
    }

    @Test
    void withoutNpmTheErrorSaysHowToFetchByHand(@TempDir Path dir) {
        String previous = System.getProperty("ddim4j.npm");
        System.setProperty("ddim4j.npm", dir.resolve("no-such-npm").toString());
        try {
            DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                    () -> EmojiDataset.open(dir.resolve("emoji"), true));
            assertTrue(e.getMessage().contains("npm pack emoji-datasource-google@16.0.0"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve("emoji").toString()), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty("ddim4j.npm");
            } else {
                System.setProperty("ddim4j.npm", previous);
            }
        }
        DatasetNotFoundException off = assertThrows(DatasetNotFoundException.class,
                () -> EmojiDataset.open(dir.resolve("other"), false));
        assertTrue(off.getMessage().contains("downloading is off"), off.getMessage());
    }

    @Test
    void aForeignTarballIsRefused(@TempDir Path dir) throws IOException {
        Path tgz = dir.resolve("emoji-datasource-google-16.0.0.tgz");
        try (OutputStream f = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(f))) {
            put(tar, "package/README.md", "not emoji".getBytes(StandardCharsets.UTF_8));
        }
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> EmojiDataset.open(dir, false));
        assertTrue(e.getMessage().contains("is not the emoji-datasource-google package"), e.getMessage());
    }

    /** A folder holding both vendors' packages, each in its own folder as the default cache holds them. */
    public static Path writeBothVendors(Path home) throws IOException {
        for (EmojiVendor vendor : EmojiVendor.values()) {
            Path folder = Files.createDirectories(home.resolve(vendor.folderName()));
            writeFakePackage(folder.resolve(vendor.tarball()), vendor, vendor == EmojiVendor.NOTO ? 0xFFFF0000 : 0xFF00FF00);
        }
        return home;
    }

    @Test
    void twemojiIsReadFromItsOwnPackageWithTheSameNamesCategoriesAndSplits(@TempDir Path dir) throws IOException {
        writeBothVendors(dir);
        EmojiDataset noto = EmojiDataset.open(dir.resolve("emoji-datasource-google-16.0.0"), EmojiVendor.NOTO, false);
        EmojiDataset twemoji = EmojiDataset.open(dir.resolve("emoji-datasource-twitter-16.0.0"), EmojiVendor.TWEMOJI, false);
        assertEquals(EmojiVendor.TWEMOJI, twemoji.vendor());
        assertEquals(noto.entries(Split.TRAIN), twemoji.entries(Split.TRAIN));
        assertEquals(noto.entries(Split.VALID), twemoji.entries(Split.VALID));
        EmojiDataset.Entry first = twemoji.entries(Split.TRAIN).get(0);
        assertTrue(twemoji.file(first).toString().endsWith("img/twitter/64/" + first.file()), twemoji.file(first).toString());
        // the fake Twemoji square is green, Noto's red: each set reads its own drawings
        assertEquals(-1.0, twemoji.tensor(first, 64).getDouble(0, 30, 30), 1e-6);
        assertEquals(1.0, twemoji.tensor(first, 64).getDouble(1, 30, 30), 1e-6);
        assertEquals(1.0, noto.tensor(first, 64).getDouble(0, 30, 30), 1e-6);
        assertTrue(Files.notExists(dir.resolve("emoji-datasource-twitter-16.0.0/img/twitter/sheets")));
    }

    @Test
    void aFolderHoldingOneVendorsPackageIsNeverUnpackedIntoByAnother(@TempDir Path dir) throws IOException {
        EmojiDataset noto = fake(dir.resolve("noto"));
        Path given = noto.root();
        assertEquals(given, EmojiDataset.folderFor(given, EmojiVendor.NOTO));
        assertEquals(given.resolve("emoji-datasource-twitter-16.0.0"), EmojiDataset.folderFor(given, EmojiVendor.TWEMOJI));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> EmojiDataset.open(given, EmojiVendor.TWEMOJI, true));
        assertTrue(e.getMessage().contains("holds another emoji package than emoji-datasource-twitter@16.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("emoji-datasource-google@16.0.0"), e.getMessage());
        // a home holding both folders gives each vendor its own; an empty folder is one to fetch into
        Path home = writeBothVendors(dir.resolve("home"));
        assertEquals(home.resolve("emoji-datasource-google-16.0.0"), EmojiDataset.folderFor(home, EmojiVendor.NOTO));
        assertEquals(home.resolve("emoji-datasource-twitter-16.0.0"), EmojiDataset.folderFor(home, EmojiVendor.TWEMOJI));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(empty, EmojiDataset.folderFor(empty, EmojiVendor.TWEMOJI));
        assertTrue(EmojiDataset.folderFor(null, EmojiVendor.TWEMOJI).endsWith("emoji-datasource-twitter-16.0.0"));
    }

    @Test
    void theTwoVendorSmileysAreNotosThenTwemojisLabelledByTheSameSubcategories(@TempDir Path dir) throws IOException {
        Path home = writeBothVendors(dir);
        for (Split split : new Split[]{Split.TRAIN, Split.VALID}) {
            org.ddim4j.data.ImageSplit noto = org.ddim4j.data.ImageDatasets.open("emoji-smileys", home, split);
            org.ddim4j.data.ImageSplit twemoji = org.ddim4j.data.ImageDatasets.open("emoji-smileys-twemoji", home, split);
            org.ddim4j.data.ImageSplit both = org.ddim4j.data.ImageDatasets.open("emoji-smileys-noto-twemoji", home, split);
            assertEquals(noto.size(), twemoji.size(), split.toString());
            assertEquals(noto.size() + twemoji.size(), both.size(), split.toString());
            assertEquals(noto.classNames(), both.classNames());
            assertEquals(noto.classNames(), twemoji.classNames());
            for (int i = 0; i < both.size(); i++) {
                org.ddim4j.data.ImageSplit part = i < noto.size() ? noto : twemoji;
                int j = i < noto.size() ? i : i - noto.size();
                assertEquals(part.source(j), both.source(i));
                assertEquals(part.label(j), both.label(i));
                assertTrue(both.source(i).contains(i < noto.size() ? "/img/google/64/" : "/img/twitter/64/"), both.source(i));
            }
            assertEquals("emoji-smileys-noto-twemoji", both.dataset());
        }
    }

    @Test
    @Tag(org.ddim4j.Tags.SLOW)
    void fetchesTheRealPackageWithNpm(@TempDir Path dir) {
        EmojiDataset ds = EmojiDataset.open(dir.resolve("emoji"), true);
        assertEquals(3786, ds.entries(Split.TRAIN).size() + ds.entries(Split.VALID).size());
        assertEquals(10, ds.categories().size());
    }
}
