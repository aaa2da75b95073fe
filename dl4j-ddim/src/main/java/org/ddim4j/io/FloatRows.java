package org.ddim4j.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Rows of float32, little-endian, row after row, no header: the pair store's files and the Spark pair shards. */
public final class FloatRows {
    private FloatRows() {
    }

    /** The values of {@code rows} (any shape; cast to float32, in c order) as little-endian bytes. */
    public static byte[] bytes(INDArray rows) {
        float[] v = rows.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** Writes {@code rows} to a file (replacing it). */
    public static void write(INDArray rows, Path file) throws IOException {
        Files.write(file, bytes(rows));
    }

    /** A whole file of rows of {@code rowShape} as [n, rowShape...]; a file that is not whole rows is an error. */
    public static INDArray read(Path file, long... rowShape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long row = 1;
        for (long d : rowShape) {
            row *= d;
        }
        if (bytes.length % (row * 4) != 0) {
            throw new IOException(file + ": " + bytes.length + " bytes is not a whole number of rows of " + row + " floats");
        }
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        long[] shape = new long[rowShape.length + 1];
        shape[0] = v.length / row;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return Nd4j.create(v, shape, DataType.FLOAT);
    }
}
