package org.ddim4j.data.celeba;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.FileImageSplit;
import org.ddim4j.data.Split;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CelebA (aligned and cropped, 202,599 images) as the official download unpacks: {@code img_align_celeba/*.jpg},
 * {@code list_eval_partition.txt} ("000001.jpg 0": 0 train, 1 valid, 2 test) and {@code list_attr_celeba.txt}
 * (the image count, the 40 attribute names, then one line per image of -1/1 values separated by one or two
 * spaces). Also torchvision's layout, the same files under {@code celeba/}. Attributes become 0/1.
 */
public final class CelebaDataset extends FileImageSplit {
    public static final String URL = "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html";
    private final List<int[]> attributes;
    private final List<String> attributeNames;

    private CelebaDataset(Split split, List<Path> files, List<int[]> attributes, List<String> names) {
        super("celeba", split, files);
        this.attributes = attributes;
        this.attributeNames = names;
    }

    public static CelebaDataset open(Path root, Split split) {
        Path base = Files.isDirectory(root.resolve("celeba")) && !Files.isDirectory(root.resolve("img_align_celeba"))
                ? root.resolve("celeba") : root;
        Path images = DatasetFiles.require(base.resolve("img_align_celeba"), "celeba", URL);
        Path partition = DatasetFiles.require(base.resolve("list_eval_partition.txt"), "celeba", URL);
        Path attrFile = DatasetFiles.require(base.resolve("list_attr_celeba.txt"), "celeba", URL);
        int wanted = switch (split) {
            case TRAIN -> 0;
            case VALID -> 1;
            case TEST -> 2;
        };
        try {
            List<String> files = new ArrayList<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(partition, StandardCharsets.UTF_8)) {
                lineNo++;
                String[] f = line.trim().split("\\s+");
                if (f.length == 1 && f[0].isEmpty()) {
                    continue;
                }
                if (f.length != 2 || !f[1].matches("[012]")) {
                    throw new IllegalArgumentException(partition + " line " + lineNo + ": expected 'NAME.jpg 0|1|2', got '" + line + "'");
                }
                if (Integer.parseInt(f[1]) == wanted) {
                    DatasetFiles.inside(root, images, f[0], partition.toString());
                    files.add(f[0]);
                }
            }
            Map<String, int[]> byFile = new HashMap<>();
            List<String> names;
            try (BufferedReader in = Files.newBufferedReader(attrFile, StandardCharsets.UTF_8)) {
                in.readLine();                                           // the image count
                String header = in.readLine();
                if (header == null) {
                    throw new IllegalArgumentException(attrFile + ": missing the attribute names line");
                }
                names = List.of(header.trim().split("\\s+"));
                String line;
                int n = 2;
                while ((line = in.readLine()) != null) {
                    n++;
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 1 && f[0].isEmpty()) {
                        continue;
                    }
                    if (f.length != names.size() + 1) {
                        throw new IllegalArgumentException(attrFile + " line " + n + ": expected a file name and "
                                + names.size() + " values, got " + (f.length - 1) + " values");
                    }
                    int[] a = new int[names.size()];
                    for (int i = 0; i < a.length; i++) {
                        switch (f[i + 1]) {
                            case "1" -> a[i] = 1;
                            case "-1", "0" -> a[i] = 0;
                            default -> throw new IllegalArgumentException(attrFile + " line " + n + ": attribute "
                                    + names.get(i) + " is '" + f[i + 1] + "', expected -1 or 1");
                        }
                    }
                    byFile.put(f[0], a);
                }
            }
            List<int[]> attrs = new ArrayList<>();
            for (String f : files) {
                int[] a = byFile.get(f);
                if (a == null) {
                    throw new IllegalArgumentException(attrFile + " has no attributes for " + f);
                }
                attrs.add(a);
            }
            return new CelebaDataset(split, files.stream().map(images::resolve).toList(), attrs, names);
        } catch (IOException e) {
            throw new UncheckedIOException("celeba: cannot read its list files in " + base + ": " + e.getMessage(), e);
        }
    }






    @Override
    public List<String> attributeNames() {
        return attributeNames;
    }

    @Override
    public int[] attributes(int index) {
        return attributes.get(index).clone();
    }
}
