package org.ddim4j.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a float32 state dict the way {@code torch.save(model.state_dict(), f)} does (PyTorch 1.13, checked
 * byte for byte against torch_checkpoint.pth's pickle opcodes): protocol 2, an {@code OrderedDict} rebuilt
 * by REDUCE, one {@code _rebuild_tensor_v2} per tensor with a persistent id for its storage, and stored
 * (uncompressed) zip entries {@code ARCHIVE/data.pkl}, {@code ARCHIVE/data/N} and {@code ARCHIVE/version}.
 */
public final class TorchZipWriter {
    private final ByteArrayOutputStream pkl = new ByteArrayOutputStream();
    private int memo;
    private final java.util.Map<String, Integer> memoized = new java.util.HashMap<>();

    public static void write(Path file, String archive, Map<String, INDArray> stateDict) throws IOException {
        TorchZipWriter w = new TorchZipWriter();
        byte[][] storages = w.pickle(stateDict);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, archive + "/data.pkl", w.pkl.toByteArray());
            for (int i = 0; i < storages.length; i++) {
                stored(zip, archive + "/data/" + i, storages[i]);
            }
            stored(zip, archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        Zips.putStored(zip, name, data);
    }

    private byte[][] pickle(Map<String, INDArray> stateDict) {
        byte[][] storages = new byte[stateDict.size()][];
        op(0x80, 2);
        global("collections", "OrderedDict");
        op(')');
        op('R');
        put();
        op('(');
        int key = 0;
        for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
            INDArray a = e.getValue().castTo(DataType.FLOAT);
            float[] values = a.dup('c').data().asFloat();
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            storages[key] = b.array();
            string(e.getKey());
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(');                                                // persistent id tuple
            string("storage");
            global("torch", "FloatStorage");
            string(Integer.toString(key));
            string("cpu");
            integer(values.length);
            op('t');
            put();
            op('Q');
            integer(0);                                              // storage offset
            long[] shape = a.shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= shape[d];
            }
            tuple(shape);
            tuple(stride);
            op(0x89);                                                // requires_grad False
            global("collections", "OrderedDict");
            op(')');
            op('R');
            put();
            op('t');
            put();
            op('R');
            put();
            key++;
        }
        op('u');
        op('.');
        return storages;
    }

    private void tuple(long[] values) {
        if (values.length == 0) {
            op(')');
            return;
        }
        if (values.length > 3) {
            op('(');
        }
        for (long v : values) {
            integer(v);
        }
        op(values.length > 3 ? 't' : 0x84 + values.length);
        put();
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            op('K', (int) v);
        } else if (v >= 0 && v < 65536) {
            op('M', (int) v & 0xff, (int) v >> 8);
        } else {
            op('J');
            pkl.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }
    }

    private void string(String s) {
        if (get("str:" + s)) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        pkl.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        pkl.writeBytes(b);
        put("str:" + s);
    }

    private void global(String module, String name) {
        if (get("global:" + module + "." + name)) {
            return;
        }
        op('c');
        pkl.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        put("global:" + module + "." + name);
    }

    /** Emits a memo get (BINGET) if the value was memoized before, like pickle's memo of identical objects. */
    private boolean get(String key) {
        Integer at = memoized.get(key);
        if (at == null) {
            return false;
        }
        if (at < 256) {
            op('h', at);
        } else {
            op('j');
            pkl.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(at).array());
        }
        return true;
    }

    private void put(String key) {
        memoized.put(key, memo);
        put();
    }

    private void put() {
        if (memo < 256) {
            op('q', memo++);
        } else {
            op('r');
            pkl.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(memo++).array());
        }
    }

    private void op(int... bytes) {
        for (int b : bytes) {
            pkl.write(b);
        }
    }

    public static void writeRaw(Path file, String archive, byte[] pickle) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, archive + "/data.pkl", pickle);
        }
    }
}
