package org.ddim4j.data;

import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Batches of a {@link StreamingImageRecordReader} for multi-label training: features [B, 3, S, S] and labels
 * [B, A] of 0/1, where A is the number of attributes (CelebA's 40) or, for datasets with classes, the number of
 * classes (one-vs-rest: the image's class is 1, the others 0).
 */
public final class MultiLabelIterator implements DataSetIterator {
    private final StreamingImageRecordReader reader;
    private final int batch;
    private final int width;
    private DataSetPreProcessor preProcessor;

    public MultiLabelIterator(StreamingImageRecordReader reader, int batch) {
        ImageSplit data = reader.data();
        this.width = data.numClasses() > 0 ? data.numClasses() : data.attributeNames().size();
        if (width == 0) {
            throw new IllegalArgumentException(data.dataset() + " has neither classes nor attributes to learn");
        }
        this.reader = reader;
        this.batch = batch;
    }

    /** The attribute names: the dataset's, or its class indices for datasets with classes. */
    public List<String> attributeNames() {
        return reader.getLabels();
    }

    @Override
    public DataSet next(int num) {
        List<List<Writable>> records = reader.next(num);
        if (records.isEmpty()) {
            throw new java.util.NoSuchElementException("no more records");
        }
        INDArray first = ((NDArrayWritable) records.get(0).get(0)).get();
        INDArray x = Nd4j.create(DataType.FLOAT, records.size(), first.size(1), first.size(2), first.size(3));
        INDArray y = Nd4j.zeros(DataType.FLOAT, records.size(), width);
        for (int i = 0; i < records.size(); i++) {
            List<Writable> r = records.get(i);
            INDArray img = ((NDArrayWritable) r.get(0)).get();
            x.putSlice(i, img.reshape(img.size(1), img.size(2), img.size(3)));
            if (r.get(1) instanceof IntWritable label) {
                y.putScalar(i, label.get(), 1.0);
            } else {
                y.putRow(i, ((NDArrayWritable) r.get(1)).get().reshape(width));
            }
        }
        DataSet ds = new DataSet(x, y);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next() {
        return next(batch);
    }

    @Override
    public boolean hasNext() {
        return reader.hasNext();
    }

    @Override
    public int inputColumns() {
        return -1;
    }

    @Override
    public int totalOutcomes() {
        return width;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        reader.reset();
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return attributeNames();
    }
}
