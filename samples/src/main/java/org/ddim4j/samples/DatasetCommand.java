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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim dataset stats|grid}: checks a dataset's files by reading them, or shows some of its images. */
@Command(name = "dataset",
        description = "read a dataset's files as training would: 'stats' counts and times them, 'grid' shows images",
        subcommands = {DatasetCommand.Stats.class, DatasetCommand.Grid.class})
final class DatasetCommand extends DdimCommand {
    /** What both subcommands read: a dataset's split, decoded as training would. */
    static final class Source {
        @Option(names = "--dataset", required = true, paramLabel = "NAME", completionCandidates = TrainCommand.DatasetNames.class,
                description = "${COMPLETION-CANDIDATES}")
        String name;

        @Option(names = "--root", paramLabel = "DIR",
                description = "the folder the official download unpacks to (for emoji, optional: its cache folder)")
        Path root;

        @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train", completionCandidates = Choice.Splits.class,
                description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
        Split split;

        @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "64", description = "image size (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--threads", paramLabel = "N", description = "decoding threads (default: the cores)")
        Integer threads;

        @Option(names = "--strict", description = "fail on the first unreadable image instead of skipping and logging it")
        boolean strict;
    }

    @Override
    void run(PrintStream out) {
        throw usageError("give stats or grid first");
    }

    /** {@code ./ddim dataset stats}. */
    @Command(name = "stats", description = "read every record and print, as the last line, one JSON object: dataset, split, "
            + "count, skipped, shape, classes, attributes, images_per_second")
    static final class Stats extends DdimCommand {
        @Mixin
        Source source;

        @Override
        void run(PrintStream out) throws Exception {
            read(source, this, out, (reader, data) -> stats(reader, data, source.size, out));
        }
    }

    /** {@code ./ddim dataset grid}. */
    @Command(name = "grid", description = "write the first images of the split as a PNG grid")
    static final class Grid extends DdimCommand {
        @Mixin
        Source source;

        @Option(names = "--count", paramLabel = "N", defaultValue = "64", description = "images in the grid (default ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--out", required = true, paramLabel = "grid.png", description = "the PNG to write")
        Path file;

        @Override
        void run(PrintStream out) throws Exception {
            if (count <= 0) {
                throw usageError("--count must be positive, got " + count);
            }
            read(source, this, out, (reader, data) -> grid(reader, count, file, out));
        }
    }

    /** What a subcommand does with the open reader. */
    interface Action {
        void apply(StreamingImageRecordReader reader, ImageSplit data) throws Exception;
    }

    private static void read(Source source, DdimCommand command, PrintStream out, Action action) throws Exception {
        if (!ImageDatasets.NAMES.contains(source.name)) {
            throw command.usageError("--dataset must be one of " + ImageDatasets.NAMES + ", got '" + source.name + "'");
        }
        int threads = source.threads == null ? Runtime.getRuntime().availableProcessors() : source.threads;
        if (source.size <= 0 || threads <= 0) {
            throw command.usageError("--size and --threads must be positive");
        }
        ImageSplit data = ImageDatasets.open(source.name, source.root, source.split);
        StreamingImageRecordReader reader = new StreamingImageRecordReader(data, source.size, 0.0, 0, source.strict, threads);
        try {
            action.apply(reader, data);
        } finally {
            reader.close();
            data.close();
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
