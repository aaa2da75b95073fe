package org.ddim4j.spark;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Rows of float32, little-endian, row after row: the pair store's own layout, for its shards. */
final class FloatRows {
    private FloatRows() {
    }

    static void write(INDArray rows, Path file) throws IOException {
        float[] v = rows.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }

    static INDArray read(Path file, long... rowShape) throws IOException {
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
