package org.ddim4j.data;

import org.ddim4j.image.Flips;
import org.ddim4j.image.Images;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DataVec record reader over any {@link ImageSplit}, in index order, transformed as the seed does: the short
 * side resized to {@code size} and centre-cropped, mapped to [-1, 1], flipped horizontally with the given
 * probability on the training split only (the flips drawn from the seed and the epoch in index order, so they
 * do not depend on the threads; each {@link #reset()} after reading starts a new epoch with new flips, and a
 * reader built with the same seed gives the same flips epoch by epoch). Records are
 * {@code [image [1, 3, size, size]]} plus {@code IntWritable(label)} for
 * datasets with classes or {@code NDArrayWritable([1, A] of 0/1)} for datasets with attributes, so
 * {@code RecordReaderDataSetIterator(reader, batch, 1, numClasses)} works as usual.
 *
 * <p>Images are decoded on several threads ahead of the reader. An image that cannot be read or decoded is
 * skipped, counted ({@link #skipped()}) and logged with where it is stored; in strict mode it fails the read
 * instead. Nothing but the images in flight is held in memory.
 */
public final class StreamingImageRecordReader extends BaseRecordReader {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingImageRecordReader.class);

    private final ImageSplit data;
    private final int size;
    private final double flipProbability;
    private final long seed;
    private final boolean strict;
    private final int threads;
    private final AtomicInteger skipped = new AtomicInteger();
    private ExecutorService pool;
    private Random rng;
    private long epoch = -1;
    private int submitted;
    private final Deque<Future<Decoded>> inFlight = new ArrayDeque<>();
    private Decoded ready;
    private Configuration conf = new Configuration();

    private record Decoded(int index, INDArray image, IOException error) {
    }

    /**
     * @param flipProbability horizontal flip probability, applied on the training split only
     * @param seed            seeds the flips (the same seed gives the same flips, epoch by epoch)
     * @param strict          fail on an unreadable image instead of skipping it
     * @param threads         decoding threads (at least 1)
     */
    public StreamingImageRecordReader(ImageSplit data, int size, double flipProbability, long seed, boolean strict,
                                      int threads) {
        if (size <= 0 || threads <= 0 || !(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("size and threads must be positive and the flip probability in [0, 1];"
                    + " got size " + size + ", threads " + threads + ", flip " + flipProbability);
        }
        this.data = data;
        this.size = size;
        this.flipProbability = data.split() == Split.TRAIN ? flipProbability : 0.0;
        this.seed = seed;
        this.strict = strict;
        this.threads = threads;
        reset();
    }

    public ImageSplit data() {
        return data;
    }

    /** Images skipped so far because they could not be read. */
    public int skipped() {
        return skipped.get();
    }

    @Override
    public boolean hasNext() {
        fill();
        return ready != null;
    }

    @Override
    public List<Writable> next() {
        return nextRecord().getRecord();
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records in " + data.dataset() + " " + data.split());
        }
        Decoded d = ready;
        ready = null;
        return new org.datavec.api.records.impl.Record(writables(d.index(), d.image()),
                new RecordMetaDataIndex(d.index(), uri(d.index()), getClass()));
    }

    private List<Writable> writables(int index, INDArray image) {
        List<Writable> values = new ArrayList<>(2);
        values.add(new NDArrayWritable(image.reshape(1, 3, size, size)));
        if (data.numClasses() > 0) {
            values.add(new IntWritable(data.label(index)));
        } else if (!data.attributeNames().isEmpty()) {
            int[] a = data.attributes(index);
            INDArray v = Nd4j.create(DataType.FLOAT, 1, a.length);
            for (int i = 0; i < a.length; i++) {
                v.putScalar(0, i, a[i]);
            }
            values.add(new NDArrayWritable(v));
        }
        return values;
    }

    /** Makes {@code ready} the next readable image, or leaves it null at the end. */
    private void fill() {
        while (ready == null) {
            while (submitted < data.size() && inFlight.size() < 4 * threads) {
                int index = submitted++;
                boolean flip = flipProbability > 0 && rng.nextDouble() < flipProbability;
                inFlight.add(pool.submit(() -> decode(index, flip)));
            }
            if (inFlight.isEmpty()) {
                return;
            }
            Decoded d;
            try {
                d = inFlight.poll().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding " + data.dataset(), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
            }
            if (d.error() == null) {
                ready = d;
            } else {
                String source = data.source(d.index());
                String why = d.error().getMessage() != null && d.error().getMessage().contains(source)
                        ? d.error().getMessage() : source + ": " + d.error().getMessage();
                if (strict) {
                    throw new UncheckedIOException("cannot read a " + data.dataset() + " image (strict mode): " + why, d.error());
                }
                skipped.incrementAndGet();
                LOG.warn("skipped an image of {}: {}", data.dataset(), why);
            }
        }
    }

    private Decoded decode(int index, boolean flip) {
        try {
            var img = ImageTransforms.resizeShortSideAndCenterCrop(
                    ImageTransforms.compositeOnto(data.image(index), java.awt.Color.WHITE), size);
            INDArray tensor = Images.fromImage(img);
            return new Decoded(index, flip ? Flips.mirror(tensor) : tensor, null);
        } catch (IOException e) {
            return new Decoded(index, null, e);
        } catch (RuntimeException e) {
            return new Decoded(index, null, new IOException(e.toString(), e));
        }
    }

    private URI uri(int index) {
        return URI.create("ddim4j:" + data.dataset() + ":" + data.split().name().toLowerCase() + ":" + index);
    }

    @Override
    public void reset() {
        close();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ddim4j-decode-" + data.dataset());
            t.setDaemon(true);
            return t;
        });
        if (epoch < 0 || submitted > 0) {
            epoch++;                                              // initialize() before any read keeps epoch 0
        }
        rng = new Random(seed + 0x9E3779B97F4A7C15L * epoch);
        submitted = 0;
        ready = null;
        skipped.set(0);
    }

    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean batchesSupported() {
        return false;
    }

    @Override
    public List<List<Writable>> next(int num) {
        List<List<Writable>> out = new ArrayList<>();
        for (int i = 0; i < num && hasNext(); i++) {
            out.add(next());
        }
        return out;
    }

    @Override
    public void initialize(InputSplit split) {
        reset();
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) {
        this.conf = conf;
        reset();
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("records are read from the dataset's own files");
    }

    @Override
    public Record loadFromMetaData(RecordMetaData meta) {
        int index = (int) ((RecordMetaDataIndex) meta).getIndex();
        Decoded d = decode(index, false);
        if (d.error() != null) {
            throw new UncheckedIOException("cannot read " + data.source(index) + ": " + d.error().getMessage(), d.error());
        }
        return new org.datavec.api.records.impl.Record(writables(index, d.image()), meta);
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> list) {
        List<Record> out = new ArrayList<>();
        list.forEach(m -> out.add(loadFromMetaData(m)));
        return out;
    }

    /** Class names "0".."K-1" for datasets with classes, else the attribute names. */
    @Override
    public List<String> getLabels() {
        if (data.numClasses() > 0) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < data.numClasses(); i++) {
                out.add(Integer.toString(i));
            }
            return out;
        }
        return data.attributeNames();
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }
}
