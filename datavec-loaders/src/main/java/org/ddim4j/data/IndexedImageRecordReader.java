package org.ddim4j.data;

import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A DataVec record reader over a dataset whose images are addressed by index. Each record is
 * {@code [NDArrayWritable(image [1, 3, H, W] in [-1, 1]), IntWritable(label)]} (no label writable when the
 * dataset has none), so {@code new RecordReaderDataSetIterator(reader, batch, 1, numClasses)} yields
 * DataSets of images and one-hot labels. The reader is already initialised: {@code initialize} is accepted
 * and ignored, since the dataset's own files define it.
 */
public abstract class IndexedImageRecordReader extends BaseRecordReader {
    private int cursor;
    private Configuration conf = new Configuration();

    /** Number of records. */
    protected abstract int count();

    /** The image of record i, [3, H, W] in [-1, 1], transformed as the split requires. */
    protected abstract INDArray image(int index) throws IOException;

    /** The label of record i, or -1 when the dataset has none. */
    protected abstract int label(int index);

    /** A URI naming record i (for metadata and error messages). */
    protected abstract URI location(int index);

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
    public List<Writable> next() {
        return nextRecord().getRecord();
    }

    @Override
    public boolean hasNext() {
        return cursor < count();
    }

    @Override
    public void reset() {
        cursor = 0;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("records are read from the dataset's own files");
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records (" + count() + " read)");
        }
        return recordAt(cursor++);
    }

    private Record recordAt(int index) {
        List<Writable> values = new ArrayList<>(2);
        try {
            INDArray img = image(index);
            values.add(new NDArrayWritable(img.reshape(1, img.size(0), img.size(1), img.size(2))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location(index) + ": " + e.getMessage(), e);
        }
        int label = label(index);
        if (label >= 0) {
            values.add(new IntWritable(label));
        }
        return new org.datavec.api.records.impl.Record(values, new RecordMetaDataIndex(index, location(index), getClass()));
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        return recordAt((int) ((RecordMetaDataIndex) recordMetaData).getIndex());
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> list) {
        List<Record> out = new ArrayList<>();
        for (RecordMetaData m : list) {
            out.add(loadFromMetaData(m));
        }
        return out;
    }

    @Override
    public void close() {
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
