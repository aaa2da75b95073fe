package org.ddim4j.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * Decodes n little-endian numbers of one element type from a buffer into a flat INDArray: floats become
 * float32 (float64 stays float64), integers int64 or int32, booleans bool.
 */
final class RawArrays {
    private RawArrays() {
    }

    /** Element types, by their safetensors names. */
    enum Type {
        F64(8), F32(4), F16(2), BF16(2), I64(8), U64(8), I32(4), U32(4), I16(2), U16(2), I8(1), U8(1), BOOL(1);

        final int size;

        Type(int size) {
            this.size = size;
        }
    }

    static INDArray decode(ByteBuffer buf, Type type, int n) {
        switch (type) {
            case F32 -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                return Nd4j.createFromArray(a);
            }
            case F64 -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                return Nd4j.createFromArray(a);
            }
            case F16, BF16 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    short s = buf.getShort(buf.position() + 2 * i);
                    a[i] = type == Type.F16 ? Half.toFloat(s) : Float.intBitsToFloat((s & 0xffff) << 16);
                }
                return Nd4j.createFromArray(a);
            }
            case I64, U64 -> {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                return Nd4j.createFromArray(a);
            }
            case I32, U32 -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                return Nd4j.createFromArray(a);
            }
            case I16, U16 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    short s = buf.getShort(buf.position() + 2 * i);
                    a[i] = type == Type.U16 ? s & 0xffff : s;
                }
                return Nd4j.createFromArray(a);
            }
            case I8 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.get(buf.position() + i);
                }
                return Nd4j.createFromArray(a);
            }
            case U8 -> {
                byte[] a = new byte[n];
                buf.duplicate().get(a);
                return Nd4j.createFromArray(a).castTo(DataType.UINT8);
            }
            default -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.get(buf.position() + i) != 0;
                }
                return Nd4j.createFromArray(a);
            }
        }
    }
}
