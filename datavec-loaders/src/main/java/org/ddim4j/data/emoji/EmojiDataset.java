package org.ddim4j.data.emoji;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.data.ImageTransforms;
import org.ddim4j.data.Split;
import org.ddim4j.image.Images;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded default dataset: one vendor's emoji ({@link EmojiVendor}; by default Google's Noto), 3,786 PNGs
 * of 64x64 RGBA from the npm package {@code emoji-datasource-google@16.0.0} ({@code img/google/64/}; images under
 * the Apache License 2.0) or its Twemoji twin {@code emoji-datasource-twitter}, with each image's category from the
 * package's {@code emoji.json} (skin-tone variants take their base emoji's category). Fetched with {@code npm pack}
 * into a cache folder when missing.
 *
 * <p>Split: the images sorted by file name; every 20th (index mod 20 = 19) is validation (5 %), the rest
 * training. The file names are the code points, the same for every vendor, so an emoji is in the same split
 * whoever drew it. Images are composited onto a white background.
 */
public final class EmojiDataset {
    private static final Logger LOG = LoggerFactory.getLogger(EmojiDataset.class);
    public static final int VALID_EVERY = 20;
    private static final String COMPLETE_MARKER = ".complete";

    private final Path root;
    private final EmojiVendor vendor;
    private final List<String> categories;
    private final List<Entry> entries;

    /** One image: its file name under the vendor's image folder ({@code img/google/64}), category index and names. */
    public record Entry(String file, int category, String categoryName, String subcategory) {
    }

    private EmojiDataset(Path root, EmojiVendor vendor, List<String> categories, List<Entry> entries) {
        this.root = root;
        this.vendor = vendor;
        this.categories = categories;
        this.entries = entries;
    }

    /** The Noto set's default folder: {@link #defaultRoot(EmojiVendor)} of {@link EmojiVendor#NOTO}. */
    public static Path defaultRoot() {
        return defaultRoot(EmojiVendor.NOTO);
    }

    /**
     * The default folder: {@code ~/.ddim4j/datasets/emoji-datasource-google-16.0.0} (the vendor's
     * {@link EmojiVendor#folderName()}); the datasets folder can be moved with the system property
     * {@code ddim4j.data.home} or the environment variable {@code DDIM4J_DATA_HOME}.
     */
    public static Path defaultRoot(EmojiVendor vendor) {
        String home = System.getProperty("ddim4j.data.home", System.getenv("DDIM4J_DATA_HOME"));
        Path base = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".ddim4j", "datasets");
        return base.resolve(vendor.folderName());
    }

    /**
     * The vendor's folder for a given {@code root}: its default folder when root is null; root itself when it holds
     * this vendor's package (unpacked, or its tarball) or holds no package at all (a new folder to fetch into); else
     * {@code root/<the vendor's folder name>}, so one folder can hold both vendors' folders, and a folder holding one
     * vendor's package never has another's unpacked over it.
     */
    public static Path folderFor(Path root, EmojiVendor vendor) {
        if (root == null) {
            return defaultRoot(vendor);
        }
        if (holds(root, vendor) || Files.isRegularFile(root.resolve(vendor.tarball()))) {
            return root;
        }
        Path sub = root.resolve(vendor.folderName());
        boolean holdsAnother = Files.exists(root.resolve(COMPLETE_MARKER))
                || java.util.Arrays.stream(EmojiVendor.values()).anyMatch(v -> Files.isRegularFile(root.resolve(v.tarball())));
        return Files.isDirectory(sub) || holdsAnother ? sub : root;
    }

    /** Whether {@code root} holds the vendor's package unpacked (its marker names that package). */
    private static boolean holds(Path root, EmojiVendor vendor) {
        Path marker = root.resolve(COMPLETE_MARKER);
        try {
            return Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).startsWith(vendor.spec() + " ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The Noto set in {@code root}: {@link #open(Path, EmojiVendor, boolean)} of {@link EmojiVendor#NOTO}. */
    public static EmojiDataset open(Path root, boolean download) {
        return open(root, EmojiVendor.NOTO, download);
    }

    /**
     * Opens the vendor's set in {@code root}. If it is not there and {@code download} is true, fetches it: from the
     * vendor's tarball ({@code emoji-datasource-google-16.0.0.tgz}) in {@code root} if one was put there by hand,
     * else with npm (the command can be changed with the system property {@code ddim4j.npm}).
     */
    public static EmojiDataset open(Path root, EmojiVendor vendor, boolean download) {
        Path marker = root.resolve(COMPLETE_MARKER);
        if (Files.exists(marker) && !holds(root, vendor)) {
            throw new DatasetNotFoundException(root + " holds another emoji package than " + vendor.spec() + " ("
                    + firstLine(marker) + "); give the folder of " + vendor.packageName() + " or a folder holding "
                    + vendor.folderName());
        }
        if (!Files.exists(marker)) {
            Path tgz = root.resolve(vendor.tarball());
            if (Files.isRegularFile(tgz)) {
                extract(tgz, root, vendor);
            } else if (download) {
                fetch(root, vendor);
            } else {
                throw new DatasetNotFoundException(missingMessage(root, vendor, "the dataset is not in " + root
                        + " and downloading is off (data.download: false)"));
            }
        }
        return index(root, vendor);
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static String missingMessage(Path root, EmojiVendor vendor, String why) {
        return why + ". To fetch it by hand: run `npm pack " + vendor.spec() + "` on a machine with npm and"
                + " network access and copy the resulting " + vendor.tarball() + " into " + root
                + " (ddim4j unpacks it there), or pass another folder with --data-root.";
    }

    private static void fetch(Path root, EmojiVendor vendor) {
        Path download;
        try {
            Files.createDirectories(root);
            download = Files.createTempDirectory(root, ".download-");
        } catch (IOException e) {
            throw new DatasetNotFoundException("cannot create the dataset folder " + root + ": " + e, e);
        }
        LOG.info("fetching {} with npm into {} ({} MB, once)", vendor.spec(), root, vendor.megabytes());
        try {
            Process p = new ProcessBuilder(System.getProperty("ddim4j.npm", "npm"), "pack", vendor.spec(), "--pack-destination",
                    download.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new DatasetNotFoundException(missingMessage(root, vendor, "npm pack did not finish in 20 minutes"));
            }
            Path tgz = download.resolve(vendor.tarball());
            if (p.exitValue() != 0 || !Files.isRegularFile(tgz)) {
                throw new DatasetNotFoundException(missingMessage(root, vendor, "npm pack failed (exit " + p.exitValue() + "): "
                        + lastLines(output)));
            }
            extract(tgz, root, vendor);
        } catch (IOException e) {
            throw new DatasetNotFoundException(missingMessage(root, vendor, "could not run npm (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetNotFoundException("interrupted while fetching the emoji dataset", e);
        } finally {
            deleteRecursively(download);
        }
    }

    private static String lastLines(String output) {
        String[] lines = output.strip().split("\n");
        return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 3), lines.length));
    }

    /** Unpacks the vendor's images, emoji.json and LICENSE into a temporary folder, then moves them into place. */
    static void extract(Path tgz, Path root, EmojiVendor vendor) {
        String imageDir = vendor.imageDir();
        Path staging = null;
        try {
            Files.createDirectories(root);
            staging = Files.createTempDirectory(root, ".unpack-");
            int images = 0;
            try (InputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(
                    new BufferedInputStream(Files.newInputStream(tgz), 1 << 16)))) {
                TarArchiveInputStream tar = (TarArchiveInputStream) in;
                TarArchiveEntry e;
                while ((e = tar.getNextTarEntry()) != null) {
                    String name = e.getName();
                    if (e.isDirectory() || name.contains("..") || !name.startsWith("package/")) {
                        continue;
                    }
                    String rel = name.substring("package/".length());
                    boolean wanted = (rel.startsWith(imageDir + "/") && rel.endsWith(".png") && rel.indexOf('/', imageDir.length() + 1) < 0)
                            || rel.equals("emoji.json") || rel.equals("LICENSE") || rel.equals("package.json");
                    if (!wanted) {
                        continue;
                    }
                    Path out = staging.resolve(rel).normalize();
                    if (!out.startsWith(staging)) {
                        continue;
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if (rel.endsWith(".png")) {
                        images++;
                    }
                }
            }
            if (images == 0 || !Files.exists(staging.resolve("emoji.json"))) {
                throw new DatasetNotFoundException(tgz + " is not the " + vendor.packageName() + " package (no "
                        + imageDir + " images or no emoji.json inside)");
            }
            for (String part : new String[]{"img", "emoji.json", "LICENSE", "package.json"}) {
                Path src = staging.resolve(part);
                Path dst = root.resolve(part);
                if (Files.exists(src)) {
                    deleteRecursively(dst);
                    Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.writeString(root.resolve(COMPLETE_MARKER), vendor.spec() + " " + images + " images\n");
            LOG.info("unpacked {} emoji images into {}", images, root);
        } catch (IOException e) {
            throw new DatasetNotFoundException("cannot unpack " + tgz + " into " + root + ": " + e, e);
        } finally {
            if (staging != null) {
                deleteRecursively(staging);
            }
        }
    }

    private static void deleteRecursively(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary folder left behind is harmless
        }
    }

    private static EmojiDataset index(Path root, EmojiVendor vendor) {
        Path json = root.resolve("emoji.json");
        Path images = root.resolve(vendor.imageDir());
        if (!Files.isRegularFile(json) || !Files.isDirectory(images)) {
            throw new DatasetNotFoundException(missingMessage(root, vendor, "expected " + json + " and " + images));
        }
        Map<String, String[]> meta = new TreeMap<>();
        try {
            JsonArray all = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonArray();
            for (JsonElement el : all) {
                JsonObject o = el.getAsJsonObject();
                String[] cat = {o.get("category").getAsString(), o.get("subcategory").getAsString()};
                meta.put(o.get("image").getAsString(), cat);
                if (o.has("skin_variations") && o.get("skin_variations").isJsonObject()) {
                    for (Map.Entry<String, JsonElement> v : o.getAsJsonObject("skin_variations").entrySet()) {
                        meta.put(v.getValue().getAsJsonObject().get("image").getAsString(), cat);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new DatasetNotFoundException(json + " cannot be read as the package's emoji.json: " + e.getMessage(), e);
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(images)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new DatasetNotFoundException("cannot list " + images + ": " + e, e);
        }
        TreeSet<String> categoryNames = new TreeSet<>();
        for (String f : files) {
            categoryNames.add(meta.getOrDefault(f, new String[]{"Unknown", "unknown"})[0]);
        }
        List<String> categories = List.copyOf(categoryNames);
        List<Entry> entries = new ArrayList<>();
        for (String f : files) {
            String[] cat = meta.getOrDefault(f, new String[]{"Unknown", "unknown"});
            entries.add(new Entry(f, categories.indexOf(cat[0]), cat[0], cat[1]));
        }
        return new EmojiDataset(root, vendor, categories, List.copyOf(entries));
    }

    public Path root() {
        return root;
    }

    /** Whose drawings these are. */
    public EmojiVendor vendor() {
        return vendor;
    }

    /** The image's file: {@code root/img/google/64/1f600.png}. */
    public Path file(Entry e) {
        return root.resolve(vendor.imageDir()).resolve(e.file());
    }

    /** Category names, sorted; a label is an index into this list. */
    public List<String> categories() {
        return categories;
    }

    /** Subcategory names of all images, sorted. */
    public List<String> subcategories() {
        return entries.stream().map(Entry::subcategory).distinct().sorted().toList();
    }

    /** All images of a split (TEST is empty: the package defines no test split). */
    public List<Entry> entries(Split split) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            boolean valid = i % VALID_EVERY == VALID_EVERY - 1;
            if ((split == Split.VALID && valid) || (split == Split.TRAIN && !valid)) {
                out.add(entries.get(i));
            }
        }
        return out;
    }

    /** The image as stored (RGBA). */
    public BufferedImage read(Entry e) throws IOException {
        Path file = file(e);
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("not a decodable image: " + file);
        }
        return img;
    }

    /** The image composited onto white, resized to {@code size} and mapped to [-1, 1]: [3, size, size]. */
    public INDArray tensor(Entry e, int size) throws IOException {
        BufferedImage rgb = ImageTransforms.compositeOnto(read(e), Color.WHITE);
        return Images.fromImage(ImageTransforms.resizeShortSideAndCenterCrop(rgb, size));
    }

    /** Many images at once: [N, 3, size, size] in [-1, 1]. */
    public INDArray tensors(List<Entry> list, int size) throws IOException {
        INDArray out = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, list.size(), 3, size, size);
        for (int i = 0; i < list.size(); i++) {
            out.putSlice(i, tensor(list.get(i), size));
        }
        return out;
    }
}
