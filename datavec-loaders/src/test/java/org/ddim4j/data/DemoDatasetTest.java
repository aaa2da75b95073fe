package org.ddim4j.data;

import org.ddim4j.batches.BatchSource;
import org.ddim4j.config.Dataset;
import org.ddim4j.config.DataConfig;
import org.ddim4j.config.Defaults;
import org.ddim4j.data.emoji.EmojiDatasetTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A demo run's data.dataset names the images it trains on: training an emoji-smileys config (./ddim train --resume of a
 * demo run) gets the demo's own batches, not all emoji (which made a resumed demo's KID against the smileys 100 times
 * worse).
 */
class DemoDatasetTest {
    @Test
    void emojiSmileysTrainsOnTheDemosImagesInTheDemosOrder(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("emoji"));
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        DataConfig data = Defaults.data().withDataset(Dataset.EMOJI_SMILEYS, root.toString()).withShape(List.of(3, 8, 8));
        BatchSource viaConfig = Datasets.trainingBatches(data, root, 3);
        BatchSource demo = Datasets.emoji(data, root, 3, e -> e.categoryName().equals(ImageDatasets.SMILEYS));
        BatchSource all = Datasets.emoji(data, root, 3, e -> true);
        assertEquals(demo.size(), viaConfig.size());
        assertEquals(true, demo.size() < all.size(), "the smileys are a part of the set");
        for (long i = 0; i < 3; i++) {
            assertEquals(demo.batch(i, 4), viaConfig.batch(i, 4), "batch " + i);
        }
    }

    @Test
    void theTwoVendorSmileysTrainOnBothDrawingsOfEachSmiley(@TempDir Path dir) throws IOException {
        Path home = EmojiDatasetTest.writeBothVendors(dir);
        DataConfig noto = Defaults.data().withDataset(Dataset.EMOJI_SMILEYS, home.toString()).withShape(List.of(3, 8, 8));
        DataConfig both = noto.withDataset(Dataset.EMOJI_SMILEYS_NOTO_TWEMOJI, home.toString());
        DataConfig twemoji = noto.withDataset(Dataset.EMOJI_SMILEYS_TWEMOJI, home.toString());
        BatchSource notoBatches = Datasets.trainingBatches(noto, home, 3);
        BatchSource bothBatches = Datasets.trainingBatches(both, home, 3);
        assertEquals(2 * notoBatches.size(), bothBatches.size());
        assertEquals(notoBatches.size(), Datasets.trainingBatches(twemoji, home, 3).size());
        // every image once per epoch: the fake Noto squares are red, Twemoji's green, so an epoch holds as many of each
        var epoch = bothBatches.batch(0, (int) bothBatches.size());
        int red = 0;
        int green = 0;
        for (int i = 0; i < bothBatches.size(); i++) {
            red += epoch.getDouble(i, 0, 4, 4) > 0.5 && epoch.getDouble(i, 1, 4, 4) < -0.5 ? 1 : 0;
            green += epoch.getDouble(i, 1, 4, 4) > 0.5 && epoch.getDouble(i, 0, 4, 4) < -0.5 ? 1 : 0;
        }
        assertEquals(notoBatches.size(), red);
        assertEquals(notoBatches.size(), green);
    }

    /**
     * Training images carry the dataset's labels: "emoji-smileys" by subcategory, "emoji" by category, and
     * "emoji-subcategories" (every emoji, as "emoji" serves them: same images, same order) by subcategory. The fake
     * package's emoji i (its skin-tone variant drawn as 99) has subcategory "sub" + i mod 3, category "Flags" for even
     * i, and i in the green channel of its corner pixel, read back at 64x64 (no resizing).
     */
    @Test
    void theEmojiBatchesCarryTheirDatasetsLabels(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("emoji"));
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        DataConfig smileys = Defaults.data().withDataset(Dataset.EMOJI_SMILEYS, root.toString()).withShape(List.of(3, 64, 64));
        BatchSource bySubcategory = Datasets.trainingBatches(smileys, root, 3);
        assertEquals(List.of("sub0", "sub1", "sub2"), bySubcategory.classNames());
        BatchSource byCategory = Datasets.trainingBatches(smileys.withDataset(Dataset.EMOJI, root.toString()), root, 3);
        assertEquals(List.of("Flags", "Smileys & Emotion"), byCategory.classNames());
        BatchSource allBySubcategory = Datasets.trainingBatches(smileys.withDataset(Dataset.EMOJI_SUBCATEGORIES,
                root.toString()), root, 3);
        assertEquals(List.of("sub0", "sub1", "sub2"), allBySubcategory.classNames());
        assertEquals(byCategory.size(), allBySubcategory.size());
        assertEquals(byCategory.batch(0, byCategory.size()), allBySubcategory.batch(0, byCategory.size()));
        for (BatchSource data : List.of(bySubcategory, byCategory, allBySubcategory)) {
            int n = data.size();
            var epoch = data.batch(0, n);
            int[] labels = data.labels(0, n);
            int[] counts = new int[data.classNames().size()];
            for (int k = 0; k < n; k++) {
                int seed = (int) Math.round((epoch.getDouble(k, 1, 0, 0) + 1) / 2 * 255);
                int emoji = seed == 99 ? 1 : seed;
                int expected = data != byCategory ? emoji % 3 : emoji % 2 == 0 ? 0 : 1;
                assertEquals(expected, labels[k], "image " + k + " (emoji " + emoji + ")");
                counts[labels[k]]++;
            }
            assertEquals(java.util.Arrays.stream(counts).boxed().toList(), data.classCounts());
        }
        // images beyond the dataset's split (all emoji kept, data.dataset the smileys) carry no labels at all
        assertEquals(List.of(), Datasets.emoji(smileys, root, 3, e -> true).classNames());
    }
}
