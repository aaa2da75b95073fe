package org.ddim4j.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1 to 3): a magic string, a Python-dict header giving dtype, memory
 * order and shape, then the raw data. Reads little-endian float16/32/64, int8/16/32/64, uint8 and bool;
 * writes float32, float64, int32, int64 and uint8.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The parsed header of an npy stream. */
    public record Header(String descr, boolean fortranOrder, long[] shape) {
        /** The element count, checked ({@link Bounds#elements}). */
        public long count() {
            return Bounds.elements(shape, "npy array");
        }

        public int itemSize() {
            return Integer.parseInt(descr.substring(2));
        }
    }

    /** Reads the header, leaving the stream at the first data byte. */
    public static Header readHeader(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8) {
            throw new TensorFormatException(source + ": truncated npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new TensorFormatException(source + ": not an npy array (bad magic)");
            }
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            if (b.length < 2) {
                throw new TensorFormatException(source + ": truncated npy header");
            }
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new TensorFormatException(source + ": truncated npy header");
            }
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new TensorFormatException(source + ": unsupported npy version " + major);
        }
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new TensorFormatException(source + ": implausible npy header length " + headerLen);
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length < headerLen) {
            throw new TensorFormatException(source + ": truncated npy header");
        }
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new TensorFormatException(source + ": malformed npy header: " + header.trim());
        }
        String descr = d.group(1).replace('=', '<');
        if (descr.equals("|b1")) {
            descr = "|b1";
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Long.parseLong(part.trim().replaceAll("L$", "")));
                } catch (NumberFormatException e) {
                    throw new TensorFormatException(source + ": npy shape entry '" + part.trim() + "' is not a whole number");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        Bounds.elements(shape, source);
        if (!descr.matches("[<>|][a-z][0-9]{1,2}")) {
            throw new TensorFormatException(source + ": malformed npy dtype '" + descr + "'");
        }
        return new Header(descr, f.group(1).equals("True"), shape);
    }

    public static INDArray read(InputStream in, String source) throws IOException {
        Header h = readHeader(in, source);
        long count = h.count();
        String kind = h.descr.substring(1);
        if (h.descr.charAt(0) == '>') {
            throw new TensorFormatException(source + ": big-endian arrays are not supported (" + h.descr + ")");
        }
        long bytesLong = Bounds.bytes(count, h.itemSize());
        if (bytesLong > Integer.MAX_VALUE - 16) {
            throw new TensorFormatException(source + ": array of " + bytesLong + " bytes is too large to read at once");
        }
        Bounds.checkHeap(bytesLong, source);
        int bytes = (int) bytesLong;
        byte[] data = in.readNBytes(bytes);
        if (data.length < bytes) {
            throw new TensorFormatException(source + ": truncated npy data: expected " + bytes + " bytes for shape "
                    + java.util.Arrays.toString(h.shape) + ", got " + data.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        RawArrays.Type type = switch (kind) {
            case "f4" -> RawArrays.Type.F32;
            case "f8" -> RawArrays.Type.F64;
            case "f2" -> RawArrays.Type.F16;
            case "i8" -> RawArrays.Type.I64;
            case "i4" -> RawArrays.Type.I32;
            case "i2" -> RawArrays.Type.I16;
            case "i1" -> RawArrays.Type.I8;
            case "u1" -> RawArrays.Type.U8;
            case "b1" -> RawArrays.Type.BOOL;
            default -> throw new TensorFormatException(source + ": unsupported npy dtype " + h.descr);
        };
        INDArray flat = RawArrays.decode(buf, type, (int) count);
        if (h.shape.length == 0) {
            return flat.reshape(new long[0]);
        }
        return h.fortranOrder ? flat.reshape('f', h.shape).dup('c') : flat.reshape('c', h.shape);
    }

    public static void write(OutputStream out, INDArray array) throws IOException {
        String descr = switch (array.dataType()) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case INT -> "<i4";
            case LONG -> "<i8";
            case UBYTE -> "|u1";
            default -> throw new IllegalArgumentException("cannot write npy of dtype " + array.dataType());
        };
        long[] shape = array.shape();
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : (i < shape.length - 1 ? ", " : ""));
        }
        sh.append(")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write((header.length() >> 8) & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        INDArray c = array.dup('c');
        long n = c.length();
        ByteBuffer buf;
        switch (array.dataType()) {
            case FLOAT -> {
                buf = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(c.data().asFloat());
            }
            case DOUBLE -> {
                buf = ByteBuffer.allocate((int) n * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asDoubleBuffer().put(c.data().asDouble());
            }
            case INT -> {
                buf = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asIntBuffer().put(c.data().asInt());
            }
            case LONG -> {
                buf = ByteBuffer.allocate((int) n * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(c.data().asLong());
            }
            default -> {
                buf = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
                for (int v : c.data().asInt()) {
                    buf.put((byte) v);
                }
            }
        }
        out.write(buf.array());
    }
}
