package org.ddim4j.samples;

import com.google.gson.GsonBuilder;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.data.StreamingImageRecordReader;
import org.ddim4j.image.Images;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./ddim dataset stats|grid}: checks a dataset's files by reading them, or shows some of its images. */
final class DatasetCommand implements Command {
    @Override
    public String name() {
        return "dataset";
    }

    @Override
    public String summary() {
        return "read a dataset's files as training would: 'stats' counts and times them, 'grid' shows images";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim dataset stats --dataset NAME --root DIR --split train|valid|test [--size 64] [--threads N] [--strict]
                       ./ddim dataset grid  --dataset NAME --root DIR --split S [--count 64] [--size 64] --out grid.png
                  NAME is one of %s; --root is the folder the official download unpacks to
                  (for emoji, optional: its cache folder). stats reads every record (decoding on --threads threads,
                  default: the cores) and prints, as its last line, one JSON object: dataset, split, count, skipped,
                  shape, classes, attributes, images_per_second. Unreadable images are skipped and logged with their
                  path; --strict fails on the first instead.""".formatted(ImageDatasets.NAMES);
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        if (argv.length == 0 || !(argv[0].equals("stats") || argv[0].equals("grid"))) {
            throw new UsageException("dataset: give stats or grid first");
        }
        String action = argv[0];
        Args args = Args.parse("dataset " + action, Arrays.copyOfRange(argv, 1, argv.length), Set.of("strict"),
                Set.of("dataset", "root", "split", "size", "threads", "count", "out"), Set.of());
        String name = args.required("dataset");
        if (!ImageDatasets.NAMES.contains(name)) {
            throw new UsageException("dataset: --dataset must be one of " + ImageDatasets.NAMES + ", got '" + name + "'");
        }
        Split split = Launch.parse("dataset", () -> Split.fromName(args.string("split", "train")));
        int size = args.integer("size", 64);
        int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
        if (size <= 0 || threads <= 0) {
            throw new UsageException("dataset: --size and --threads must be positive");
        }
        ImageSplit data = ImageDatasets.open(name, args.has("root") ? args.path("root") : null, split);
        StreamingImageRecordReader reader = new StreamingImageRecordReader(data, size, 0.0, 0, args.has("strict"), threads);
        try {
            if (action.equals("grid")) {
                grid(reader, args.integer("count", 64), args.path("out"), out);
            } else {
                stats(reader, data, size, out);
            }
        } finally {
            reader.close();
            if (data instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private static void stats(StreamingImageRecordReader reader, ImageSplit data, int size, PrintStream out) {
        long start = System.nanoTime();
        long count = 0;
        long lastPrint = start;
        while (reader.hasNext()) {
            reader.next();
            count++;
            long now = System.nanoTime();
            if (now - lastPrint > 10_000_000_000L) {
                lastPrint = now;
                out.printf("%,d of %,d read%n", count, data.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("dataset", data.dataset());
        stats.put("split", data.split().name().toLowerCase());
        stats.put("count", count);
        stats.put("skipped", reader.skipped());
        stats.put("shape", List.of(3, size, size));
        stats.put("classes", data.numClasses() > 0 ? data.numClasses() : null);
        stats.put("attributes", data.attributeNames().isEmpty() ? null : data.attributeNames().size());
        stats.put("images_per_second", Math.round(count / Math.max(seconds, 1e-9) * 10) / 10.0);
        out.println(new GsonBuilder().serializeNulls().create().toJson(stats));
    }

    private static void grid(StreamingImageRecordReader reader, int count, Path file, PrintStream out) throws Exception {
        if (count <= 0) {
            throw new UsageException("dataset grid: --count must be positive, got " + count);
        }
        List<INDArray> images = new java.util.ArrayList<>();
        while (images.size() < count && reader.hasNext()) {
            List<Writable> record = reader.next();
            INDArray img = ((NDArrayWritable) record.get(0)).get();
            images.add(img.reshape(img.size(1), img.size(2), img.size(3)));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("the split holds no readable images");
        }
        INDArray batch = Nd4j.create(DataType.FLOAT, images.size(), 3, images.get(0).size(1), images.get(0).size(2));
        for (int i = 0; i < images.size(); i++) {
            batch.putSlice(i, images.get(i));
        }
        Images.writePng(Images.grid(batch), file);
        out.printf("wrote %d images to %s%n", images.size(), file);
    }
}
