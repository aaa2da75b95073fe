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
                root = RestrictedUnpickler.load(in.readAllBytes(), file + ":" + pkl.getName());
            }
            return materialize(root, zip, prefix, order, file);
        } catch (ZipException e) {
            throw new TensorFormatException(file + ": not a PyTorch checkpoint of the zip format (PyTorch 1.6+);"
                    + " a legacy checkpoint can be re-saved with torch.save in a newer PyTorch, or as safetensors", e);
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

    /** Replaces tensor references by arrays, recursively; dict keys become strings. */
    private static Object materialize(Object o, ZipFile zip, String prefix, ByteOrder order, Path file) throws IOException {
        if (o instanceof RestrictedUnpickler.TensorRef t) {
            return tensor(t, zip, prefix, order, file);
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), materialize(e.getValue(), zip, prefix, order, file));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(materialize(x, zip, prefix, order, file));
            }
            return out;
        }
        if (o instanceof RestrictedUnpickler.Tuple t) {
            return materialize(t.items(), zip, prefix, order, file);
        }
        return o;
    }

    private static INDArray tensor(RestrictedUnpickler.TensorRef t, ZipFile zip, String prefix, ByteOrder order,
                                   Path file) throws IOException {
        String entryName = prefix + "data/" + t.storage().key();
        ZipEntry e = zip.getEntry(entryName);
        if (e == null) {
            throw new TensorFormatException(file + ": storage " + entryName + " is missing");
        }
        int width = elementSize(t.storage().type(), file);
        byte[] raw;
        try (InputStream in = zip.getInputStream(e)) {
            raw = in.readAllBytes();
        }
        if (raw.length != t.storage().numel() * width) {
            throw new TensorFormatException(file + ": storage " + entryName + " holds " + raw.length + " bytes, expected "
                    + t.storage().numel() + " elements of " + width + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
        long[] shape = t.shape();
        long[] stride = t.stride();
        if (stride.length != shape.length) {
            throw new TensorFormatException(file + ": tensor on " + entryName + " has " + shape.length + " sizes but "
                    + stride.length + " strides");
        }
        long n = 1;
        long maxIndex = t.offset();
        for (int d = 0; d < shape.length; d++) {
            n *= shape[d];
            maxIndex += Math.max(0, shape[d] - 1) * stride[d];
        }
        if (n > 0 && (t.offset() < 0 || maxIndex >= t.storage().numel())) {
            throw new TensorFormatException(file + ": tensor on " + entryName + " reaches past its storage");
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
