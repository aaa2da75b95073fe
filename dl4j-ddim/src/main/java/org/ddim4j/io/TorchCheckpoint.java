package org.ddim4j.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * PyTorch's own checkpoint files ({@code torch.save}, format of PyTorch 1.6 and later): a zip holding
 * {@code ARCHIVE/data.pkl} (the pickled object, read by {@link RestrictedUnpickler}), one raw entry per
 * storage in {@code ARCHIVE/data/KEY}, and {@code ARCHIVE/byteorder} in recent versions. A state dict, or a
 * dict holding state dicts (a training checkpoint: {@code {"model": ..., "ema": ..., "step": ...}}), is read
 * to arrays; any other pickled object is refused without running anything.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {
    }

    /** True if the file is a zip with a {@code data.pkl} entry (PyTorch's zip layout). */
    public static boolean isTorchCheckpoint(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return dataPickle(zip) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The checkpoint's contents: maps (keys as strings), lists, numbers, strings and arrays: float64 for
     * double storages, float32 for the other floating types (float16 and bfloat16 widened), int64 for integers.
     */
    public static Object read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException("PyTorch checkpoint not found: " + file.toAbsolutePath());
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = dataPickle(zip);
            if (pkl == null) {
                throw new TensorFormatException(file + ": a zip without data.pkl is not a PyTorch checkpoint");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ByteOrder order = byteOrder(zip, prefix, file);
            Object root;
            try (InputStream in = zip.getInputStream(pkl)) {
                root = RestrictedUnpickler.load(readBounded(in, MAX_PICKLE_BYTES, file + ":" + pkl.getName()),
                        file + ":" + pkl.getName());
            }
            return new Materializer(zip, prefix, order, file).value(root, 0);
        } catch (ZipException e) {
            throw new TensorFormatException(notAZip(file), e);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e, e);
        }
    }

    /**
     * The state dict inside a checkpoint: the top level when it holds tensors, otherwise the dict under
     * {@code key}, or (key null) under the first of "ema", "ema_model", "model_ema", "state_dict", "model"
     * that exists. A {@code module.} prefix (from DataParallel) is removed from every name.
     */
    public static Map<String, INDArray> stateDict(Path file, String key) {
        Object root = read(file);
        if (!(root instanceof Map<?, ?> top)) {
            throw new TensorFormatException(file + ": holds " + kind(root) + ", not a state dict");
        }
        Map<?, ?> dict = top;
        if (key != null) {
            if (!(top.get(key) instanceof Map<?, ?> m)) {
                throw new TensorFormatException(file + ": has no state dict under '" + key + "' (keys: " + top.keySet() + ")");
            }
            dict = m;
        } else if (!holdsTensors(top)) {
            dict = null;
            for (String k : List.of("ema", "ema_model", "model_ema", "state_dict", "model")) {
                if (top.get(k) instanceof Map<?, ?> m && holdsTensors(m)) {
                    dict = m;
                    break;
                }
            }
            if (dict == null) {
                throw new TensorFormatException(file + ": no state dict found at the top level or under ema, ema_model,"
                        + " model_ema, state_dict or model (keys: " + top.keySet() + "); name one with --key");
            }
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getValue() instanceof INDArray a) {
                String name = e.getKey().toString();
                out.put(name.startsWith("module.") ? name.substring("module.".length()) : name, a);
            }
        }
        return out;
    }

    /** The pickle of a state dict is small (names, shapes, storage keys); more than this is not one. */
    private static final int MAX_PICKLE_BYTES = 64 << 20;
    /** Deeper nesting than this is no state dict (a model's are 2-3 levels deep). */
    private static final int MAX_DEPTH = 200;

    /** Why a file that ZipFile refuses is not read: damaged zip, legacy format or not a checkpoint at all. */
    private static String notAZip(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return file + ": a damaged or truncated PyTorch checkpoint (its zip directory cannot be read)";
            }
            if (n >= 1 && (head[0] & 0xff) == 0x80) {
                return file + ": not a PyTorch checkpoint of the zip format (PyTorch 1.6+); a legacy checkpoint can be"
                        + " re-saved with torch.save in a newer PyTorch, or as safetensors";
            }
        } catch (IOException ignored) {
            // fall through to the general message
        }
        return file + ": not a PyTorch checkpoint (neither a zip archive nor a legacy pickle)";
    }

    /** Reads a stream of at most {@code max} bytes (an entry's declared size is not trusted). */
    private static byte[] readBounded(InputStream in, int max, String what) throws IOException {
        byte[] data = in.readNBytes(max);
        if (in.read() >= 0) {
            throw new TensorFormatException(what + ": larger than " + max + " bytes, more than any state dict's pickle");
        }
        return data;
    }

    private static boolean holdsTensors(Map<?, ?> m) {
        return m.values().stream().anyMatch(v -> v instanceof INDArray);
    }

    private static String kind(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static ZipEntry dataPickle(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String n = e.getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                return e;
            }
        }
        return null;
    }

    private static ByteOrder byteOrder(ZipFile zip, String prefix, Path file) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN;                              // written by PyTorch before 2.1: native, x86
        }
        try (InputStream in = zip.getInputStream(e)) {
            String s = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            return switch (s) {
                case "little" -> ByteOrder.LITTLE_ENDIAN;
                case "big" -> ByteOrder.BIG_ENDIAN;
                default -> throw new TensorFormatException(file + ": byteorder entry says '" + s + "'");
            };
        }
    }

    /**
     * Replaces tensor references by arrays, recursively; dict keys become strings. A pickle's memo lets one object
     * appear many times (and a list contain itself): each object is materialised once (identity-keyed), so shared
     * parts stay shared instead of multiplying, a cycle is refused, and so is nesting deeper than {@link #MAX_DEPTH};
     * each storage is inflated once however many tensors view it.
     */
    private static final class Materializer {
        private final ZipFile zip;
        private final String prefix;
        private final ByteOrder order;
        private final Path file;
        private final Map<Object, Object> done = new java.util.IdentityHashMap<>();
        private final java.util.Set<Object> inProgress = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private final Map<String, ByteBuffer> storages = new java.util.HashMap<>();

        Materializer(ZipFile zip, String prefix, ByteOrder order, Path file) {
            this.zip = zip;
            this.prefix = prefix;
            this.order = order;
            this.file = file;
        }

        Object value(Object o, int depth) throws IOException {
            if (!(o instanceof RestrictedUnpickler.TensorRef || o instanceof Map<?, ?> || o instanceof List<?>
                    || o instanceof RestrictedUnpickler.Tuple)) {
                return o;
            }
            if (done.containsKey(o)) {
                return done.get(o);
            }
            if (depth > MAX_DEPTH) {
                throw new TensorFormatException(file + ": nests deeper than " + MAX_DEPTH + " levels; not a state dict");
            }
            if (!inProgress.add(o)) {
                throw new TensorFormatException(file + ": a list or dict that contains itself; not a state dict");
            }
            Object out;
            if (o instanceof RestrictedUnpickler.TensorRef t) {
                out = tensor(t);
            } else if (o instanceof Map<?, ?> m) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    map.put(String.valueOf(e.getKey()), value(e.getValue(), depth + 1));   // keys: scalars only
                }
                out = map;
            } else if (o instanceof List<?> l) {
                List<Object> list = new ArrayList<>();
                for (Object x : l) {
                    list.add(value(x, depth + 1));
                }
                out = list;
            } else {
                out = value(((RestrictedUnpickler.Tuple) o).items(), depth + 1);
            }
            inProgress.remove(o);
            done.put(o, out);
            return out;
        }

        /** A storage's bytes, read once, after checking its declared and real size against numel x width. */
        private ByteBuffer storage(RestrictedUnpickler.StorageRef s, String entryName, int width) throws IOException {
            ByteBuffer cached = storages.get(s.key());
            if (cached != null) {
                return cached;
            }
            ZipEntry e = zip.getEntry(entryName);
            if (e == null) {
                throw new TensorFormatException(file + ": storage " + entryName + " is missing");
            }
            long expected;
            try {
                expected = Math.multiplyExact(s.numel(), (long) width);
            } catch (ArithmeticException ex) {
                throw new TensorFormatException(file + ": storage " + entryName + " claims " + s.numel() + " elements");
            }
            if (expected > Integer.MAX_VALUE - 16 || (e.getSize() >= 0 && e.getSize() != expected)) {
                throw new TensorFormatException(file + ": storage " + entryName + " holds " + e.getSize()
                        + " bytes, expected " + s.numel() + " elements of " + width + " bytes");
            }
            Bounds.checkHeap(expected, file + ": storage " + entryName);
            byte[] raw;
            try (InputStream in = zip.getInputStream(e)) {
                raw = in.readNBytes((int) expected);
                if (raw.length != expected || in.read() >= 0) {
                    throw new TensorFormatException(file + ": storage " + entryName + " does not hold " + s.numel()
                            + " elements of " + width + " bytes");
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
            storages.put(s.key(), buf);
            return buf;
        }

        private INDArray tensor(RestrictedUnpickler.TensorRef t) throws IOException {
            String entryName = prefix + "data/" + t.storage().key();
            int width = elementSize(t.storage().type(), file);
            ByteBuffer buf = storage(t.storage(), entryName, width);
            long[] shape = t.shape();
            long[] stride = t.stride();
            if (stride.length != shape.length) {
                throw new TensorFormatException(file + ": tensor on " + entryName + " has " + shape.length + " sizes but "
                        + stride.length + " strides");
            }
            long n = Bounds.elements(shape, file + ": tensor on " + entryName);
            long maxIndex = t.offset();
            try {
                for (int d = 0; d < shape.length; d++) {
                    if (stride[d] < 0) {
                        throw new TensorFormatException(file + ": tensor on " + entryName + " has a negative stride");
                    }
                    maxIndex = Math.addExact(maxIndex, Math.multiplyExact(Math.max(0, shape[d] - 1), stride[d]));
                }
            } catch (ArithmeticException e) {
                throw new TensorFormatException(file + ": tensor on " + entryName + " reaches past its storage");
            }
            if (n > 0 && (t.offset() < 0 || maxIndex >= t.storage().numel())) {
                throw new TensorFormatException(file + ": tensor on " + entryName + " reaches past its storage");
            }
            // a stride of 0 repeats elements: the array may be far larger than its storage, so check it fits
            Bounds.checkHeap(Math.multiplyExact(n, 8L), file + ": tensor on " + entryName);
            if (t.storage().type().equals("FloatStorage") && isContiguous(shape, stride)) {
                // the common case, in bulk: a float32 tensor laid out row-major in its storage
                float[] floats = new float[(int) n];
                buf.duplicate().order(order).position((int) t.offset() * 4).slice().order(order).asFloatBuffer().get(floats);
                INDArray flat = Nd4j.createFromArray(floats);
                return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
            }
            boolean integer = isInteger(t.storage().type());
            double[] values = new double[(int) n];
            long[] index = new long[shape.length];
            for (int i = 0; i < n; i++) {
                long at = t.offset();
                for (int d = 0; d < shape.length; d++) {
                    at += index[d] * stride[d];
                }
                values[i] = element(buf, (int) at, t.storage().type());
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++index[d] < shape[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            DataType type = integer ? DataType.LONG : t.storage().type().equals("DoubleStorage") ? DataType.DOUBLE : DataType.FLOAT;
            INDArray flat = Nd4j.createFromArray(values).castTo(type);
            return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
        }
    }

    /** True when the strides are those of a row-major array of this shape (sizes of 1 take any stride). */
    static boolean isContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    private static int elementSize(String type, Path file) {
        return switch (type) {
            case "DoubleStorage", "LongStorage" -> 8;
            case "FloatStorage", "IntStorage" -> 4;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "ByteStorage", "CharStorage", "BoolStorage" -> 1;
            default -> throw new TensorFormatException(file + ": storage type " + type + " is not supported");
        };
    }

    private static boolean isInteger(String type) {
        return !(type.equals("DoubleStorage") || type.equals("FloatStorage") || type.equals("HalfStorage")
                || type.equals("BFloat16Storage"));
    }

    private static double element(ByteBuffer b, int i, String type) {
        return switch (type) {
            case "DoubleStorage" -> b.getDouble(i * 8);
            case "FloatStorage" -> b.getFloat(i * 4);
            case "HalfStorage" -> Half.toFloat(b.getShort(i * 2));
            case "BFloat16Storage" -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case "LongStorage" -> b.getLong(i * 8);
            case "IntStorage" -> b.getInt(i * 4);
            case "ShortStorage" -> b.getShort(i * 2);
            case "CharStorage" -> b.get(i);
            case "ByteStorage", "BoolStorage" -> b.get(i) & 0xff;
            default -> throw new IllegalStateException(type);
        };
    }
}
