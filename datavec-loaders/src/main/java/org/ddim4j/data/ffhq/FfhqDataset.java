package org.ddim4j.data.ffhq;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.data.FileImageSplit;
import org.ddim4j.data.Split;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * FFHQ (70,000 faces) as NVIDIA's download holds it: {@code thumbnails128x128/NNNNN/NNNNN.png} or
 * {@code images1024x1024/NNNNN/NNNNN.png} (the thumbnails are preferred when both exist; folders of 1,000),
 * with the optional metadata {@code ffhq-dataset-v2.json} (255 MB, streamed, never held whole) whose
 * {@code category} of each image (training, validation) gives the split; without it, images numbered below
 * 60,000 are training and the rest validation, as in the metadata. There is no test split and no labels.
 */
public final class FfhqDataset extends FileImageSplit {
    public static final String URL = "https://github.com/NVlabs/ffhq-dataset";
    static final int TRAINING_IMAGES = 60_000;
    private FfhqDataset(Split split, List<Path> files) {
        super("ffhq", split, files);
    }

    public static FfhqDataset open(Path root, Split split) {
        Path folder = DatasetFiles.firstExisting("ffhq", URL, root.resolve("thumbnails128x128"), root.resolve("images1024x1024"));
        if (split == Split.TEST) {
            return new FfhqDataset(split, List.of());
        }
        Map<Integer, String> categories = null;
        Path json = root.resolve("ffhq-dataset-v2.json");
        if (Files.isRegularFile(json)) {
            categories = categories(json);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder, 2)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d{5}\\.png")).sorted().toList()) {
                int index = Integer.parseInt(p.getFileName().toString().substring(0, 5));
                boolean training = categories != null ? "training".equals(categories.get(index)) : index < TRAINING_IMAGES;
                if (categories != null && !categories.containsKey(index)) {
                    throw new IllegalArgumentException(json + " has no entry for image " + index + " (" + p + ")");
                }
                if (training == (split == Split.TRAIN)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ffhq: cannot list " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty() && split == Split.TRAIN) {
            throw new DatasetNotFoundException("ffhq: no NNNNN/NNNNN.png images under " + folder.toAbsolutePath());
        }
        return new FfhqDataset(split, List.copyOf(files));
    }

    /** Streams the metadata json: {"0": {"category": "training", ...}, "1": {...}, ...}. */
    static Map<Integer, String> categories(Path json) {
        Map<Integer, String> out = new HashMap<>();
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8); JsonReader in = new JsonReader(r)) {
            in.beginObject();
            while (in.hasNext()) {
                String key = in.nextName();
                int index;
                try {
                    index = Integer.parseInt(key);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(json + ": top-level key '" + key + "' is not an image number");
                }
                String category = null;
                in.beginObject();
                while (in.hasNext()) {
                    String field = in.nextName();
                    if (field.equals("category") && in.peek() == JsonToken.STRING) {
                        category = in.nextString();
                    } else {
                        in.skipValue();
                    }
                }
                in.endObject();
                if (!"training".equals(category) && !"validation".equals(category)) {
                    throw new IllegalArgumentException(json + ": image " + key + " has category " + category
                            + ", expected training or validation");
                }
                out.put(index, category);
            }
            in.endObject();
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException(json + ": not FFHQ's metadata json (" + e.getMessage() + ")", e);
        }
        return out;
    }





}
