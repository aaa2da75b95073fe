package org.ddim4j.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * its dtype, shape and byte range, an optional {@code __metadata__} map of strings, then the raw
 * little-endian data. Reads F32, F16, BF16, F64, I64, I32, I16, I8, U8 and BOOL (floating types become
 * float32 or float64, integers int64/int32); writes F32, F16 (on request), F64, I64 and I32.
 */
public final class Safetensors {
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** Tensors and metadata of one file. */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {
    }

    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException("safetensors file not found: " + file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file.toString());
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e, e);
        }
    }

    /** Reads safetensors held in memory (e.g. an entry of a checkpoint); {@code source} names it in errors. */
    public static Contents read(byte[] data, String source) {
        try (SeekableByteChannel ch = new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(data)) {
            return read(ch, source);
        } catch (IOException e) {
            throw new TensorFormatException(source + ": cannot read: " + e, e);
        }
    }

    private static Contents read(SeekableByteChannel ch, String file) throws IOException {
        try {
            return readChecked(ch, file);
        } catch (UnsupportedOperationException | IllegalStateException | ClassCastException | NumberFormatException e) {
            // a header value of the wrong JSON type (a string for a shape, an object for an offset, ...)
            throw new TensorFormatException(file + ": malformed safetensors header: a value of the wrong JSON type ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Contents readChecked(SeekableByteChannel ch, String file) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new TensorFormatException(file + ": too short for a safetensors file (" + fileSize + " bytes)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 1 || headerLen > MAX_HEADER || headerLen > fileSize - 8) {
            throw new TensorFormatException(file + ": not a safetensors file (header length " + headerLen
                    + " in a file of " + fileSize + " bytes)");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8);
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(headerBuf.array(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new TensorFormatException(file + ": safetensors header is not a JSON object", e);
        }
        long dataStart = 8 + headerLen;
        long dataSize = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        // Tensors come back in file order of their data, which is the order they were written in.
        java.util.List<Map.Entry<String, JsonObject>> entries = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            JsonObject info = e.getValue().getAsJsonObject();
            JsonArray off = info.getAsJsonArray("data_offsets");
            if (off == null || off.size() != 2 || info.get("dtype") == null || info.get("shape") == null) {
                throw new TensorFormatException(file + ": tensor '" + e.getKey() + "' lacks dtype, shape or data_offsets");
            }
            entries.add(Map.entry(e.getKey(), info));
        }
        entries.sort(java.util.Comparator.comparingLong(
                en -> en.getValue().getAsJsonArray("data_offsets").get(0).getAsLong()));
        // the tensors tile the data section exactly, in offset order: no overlap, no gap (the format's rule)
        long expected = 0;
        for (Map.Entry<String, JsonObject> e : entries) {
            long begin = e.getValue().getAsJsonArray("data_offsets").get(0).getAsLong();
            if (begin != expected) {
                throw new TensorFormatException(file + ": tensor '" + e.getKey() + "' starts at data byte " + begin
                        + ", expected " + expected + " (tensors must not overlap or leave gaps)");
            }
            expected = e.getValue().getAsJsonArray("data_offsets").get(1).getAsLong();
        }
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonObject> e : entries) {
            tensors.put(e.getKey(), readTensor(ch, file, e.getKey(), e.getValue(), dataStart, dataSize));
        }
        return new Contents(tensors, metadata);
    }

    private static INDArray readTensor(SeekableByteChannel ch, String file, String name, JsonObject info, long dataStart,
                                       long dataSize) throws IOException {
        String dtype = info.get("dtype").getAsString();
        JsonArray shapeJson = info.getAsJsonArray("shape");
        long[] shape = new long[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeJson.get(i).getAsLong();
        }
        long count = Bounds.elements(shape, file + ": tensor '" + name + "'");
        JsonArray off = info.getAsJsonArray("data_offsets");
        long begin = off.get(0).getAsLong();
        long end = off.get(1).getAsLong();
        RawArrays.Type type;
        try {
            type = RawArrays.Type.valueOf(dtype);
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException(file + ": tensor '" + name + "' has unsupported dtype " + dtype);
        }
        int itemSize = type.size;
        if (begin < 0 || end < begin || end > dataSize || end - begin != Bounds.bytes(count, itemSize)) {
            throw new TensorFormatException(file + ": tensor '" + name + "' (" + dtype + " " + Arrays.toString(shape)
                    + ") has byte range [" + begin + ", " + end + ") that does not fit its shape or the file's "
                    + dataSize + " data bytes (truncated file?)");
        }
        if (end - begin > Integer.MAX_VALUE - 16) {
            throw new TensorFormatException(file + ": tensor '" + name + "' is larger than 2 GB");
        }
        Bounds.checkHeap(end - begin, file + ": tensor '" + name + "'");
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin);
        buf.flip();
        INDArray flat = RawArrays.decode(buf, type, (int) count);
        return flat.reshape('c', shape);
    }

    private static void readFully(SeekableByteChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        ch.position(pos);
        while (buf.hasRemaining()) {
            int r = ch.read(buf);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    /** Writes tensors (float32/float64/int32/int64) as safetensors, atomically. */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, false);
    }

    /** Writes tensors; with {@code float16}, float tensors are stored as F16 (half the size). */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata, boolean float16)
            throws IOException {
        AtomicFiles.write(file, out -> write(out, tensors, metadata, float16));
    }

    /** Writes tensors as safetensors to a stream. */
    public static void write(java.io.OutputStream out, Map<String, INDArray> tensors, Map<String, String> metadata,
                             boolean float16) throws IOException {
        if (float16) {
            for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                INDArray a = e.getValue();
                if (a.dataType().isFPType() && a.length() > 0 && a.amaxNumber().doubleValue() > Half.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "' holds values up to "
                            + a.amaxNumber() + ", beyond float16's range (" + Half.MAX_VALUE + "); export without --float16");
                }
            }
        }
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            String dtype = switch (a.dataType()) {
                case FLOAT, HALF -> float16 ? "F16" : "F32";
                case DOUBLE -> float16 ? "F16" : "F64";
                case LONG -> "I64";
                case INT -> "I32";
                default -> throw new IllegalArgumentException("cannot write tensor '" + e.getKey() + "' of dtype "
                        + a.dataType());
            };
            dtypes.put(e.getKey(), dtype);
            long bytes = a.length() * switch (dtype) {
                case "F64", "I64" -> 8;
                case "F16" -> 2;
                default -> 4;
            };
            JsonObject info = new JsonObject();
            info.addProperty("dtype", dtype);
            JsonArray shape = new JsonArray();
            for (long d : a.shape()) {
                shape.add(d);
            }
            info.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + bytes);
            info.add("data_offsets", off);
            header.add(e.getKey(), info);
            offset += bytes;
        }
        byte[] headerBytes = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - headerBytes.length % 8) % 8;
        byte[] padded = Arrays.copyOf(headerBytes, headerBytes.length + pad);
        Arrays.fill(padded, headerBytes.length, padded.length, (byte) ' ');
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
        out.write(len.array());
        out.write(padded);
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            out.write(encode(e.getValue(), dtypes.get(e.getKey())));
        }
    }

    /** Safetensors bytes of the tensors (float32 kept as F32). */
    public static byte[] toBytes(Map<String, INDArray> tensors, Map<String, String> metadata) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            write(bytes, tensors, metadata, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encode(INDArray a, String dtype) {
        INDArray c = a.dup('c');
        int n = (int) c.length();
        ByteBuffer buf;
        switch (dtype) {
            case "F32" -> {
                buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(c.castTo(DataType.FLOAT).data().asFloat());
            }
            case "F64" -> {
                buf = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asDoubleBuffer().put(c.data().asDouble());
            }
            case "F16" -> {
                buf = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : c.castTo(DataType.FLOAT).data().asFloat()) {
                    buf.putShort(Half.fromFloat(f));
                }
            }
            case "I64" -> {
                buf = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(c.data().asLong());
            }
            default -> {
                buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asIntBuffer().put(c.data().asInt());
            }
        }
        return buf.array();
    }
}
