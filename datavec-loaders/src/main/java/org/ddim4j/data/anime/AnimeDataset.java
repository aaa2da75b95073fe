package org.ddim4j.data.anime;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.FileImageSplit;
import org.ddim4j.data.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Anime Faces (Kaggle's "Anime Face Dataset", 63,632 JPEGs of mixed sizes) as it unpacks: {@code images/*.jpg}.
 * The release has no split; ddim4j's is deterministic and independent of the listing order: an image is in
 * the validation split when the CRC-32 of its file name, modulo 1000, is below 56 (about 5.6 %), else in
 * training. There is no test split and there are no labels.
 */
public final class AnimeDataset extends FileImageSplit {
    public static final String URL = "https://www.kaggle.com/datasets/splcher/animefacedataset";
    static final int VALID_PER_MILLE = 56;
    private AnimeDataset(Split split, List<Path> files) {
        super("anime", split, files);
    }

    /** Whether a file of this name is in the validation split. */
    public static boolean isValidation(String fileName) {
        CRC32 crc = new CRC32();
        crc.update(fileName.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 1000 < VALID_PER_MILLE;
    }

    public static AnimeDataset open(Path root, Split split) {
        Path images = DatasetFiles.require(root.resolve("images"), "anime", URL);
        if (split == Split.TEST) {
            return new AnimeDataset(split, List.of());
        }
        try (Stream<Path> s = Files.list(images)) {
            List<String> files = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.toLowerCase().matches(".*\\.(jpe?g|png)$"))
                    .filter(n -> isValidation(n) == (split == Split.VALID)).sorted().toList();
            return new AnimeDataset(split, files.stream().map(images::resolve).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("anime: cannot list " + images + ": " + e.getMessage(), e);
        }
    }





}
