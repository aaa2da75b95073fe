package org.ddim4j.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files crafted to hang, exhaust memory or crash a reader (issue 26's list): each is refused with the project's
 * format exception, quickly, naming the file. Every case prints a row (kind, file size, time, peak heap, message)
 * for docs/HARDENING.md.
 */
class HostileFilesTest {
    private static final StringBuilder TABLE = new StringBuilder();

    @AfterAll
    static void printTable() {
        System.out.println("| input | file bytes | ms | peak heap MB | message |\n|---|---:|---:|---:|---|\n" + TABLE);
    }

    /** Runs {@code read} on {@code file}, which must fail with a TensorFormatException naming it whose message has {@code expected}. */
    private static void refused(String kind, Path file, String expected, Executable read) throws IOException {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long t0 = System.nanoTime();
        TensorFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(TensorFormatException.class, read, kind));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(expected),
                kind + ": " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        TABLE.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", kind, Files.size(file), ms, peak >> 20,
                e.getMessage().replace(file.toString(), file.getFileName().toString()).replace("|", "/")));
    }

    // ---- pickles -----------------------------------------------------------------------------------------

    /** A protocol-2 pickle, opcode by opcode. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2);
        }

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle integer(long v) {
            op(0x8a, 8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Pickle tuple(long... values) {
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        /** {"w": tensor(storage "0" of numel floats, offset, shape, stride)}; offset null pickles None. */
        Pickle tensorDict(long numel, Long offset, long[] shape, long[] stride) {
            op('}').str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).op('t').op('Q');
            if (offset == null) {
                op('N');
            } else {
                integer(offset);
            }
            tuple(shape).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')', 'R').op('t', 'R', 's');
            return this;
        }

        byte[] stop() {
            op('.');
            return out.toByteArray();
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        Zips.putStored(zip, name, data);
    }

    /** A PyTorch zip checkpoint with this pickle and one storage "0" of {@code storageBytes} bytes. */
    private static Path pth(Path dir, String name, byte[] pickle, int storageBytes) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(o)) {
            stored(zip, "archive/data.pkl", pickle);
            stored(zip, "archive/data/0", new byte[storageBytes]);
        }
        return f;
    }

    @Test
    void hostilePickles(@TempDir Path dir) throws IOException {
        // a list that contains itself: ] q0 h0 a
        Path cycle = pth(dir, "cycle.pth", new Pickle().op(']', 'q', 0, 'h', 0, 'a').stop(), 0);
        refused("pickle: a list containing itself (memo)", cycle, "contains itself", () -> TorchCheckpoint.read(cycle));
        // 60 levels of (x, x) built from the memo: 2^60 leaves if materialised as a tree
        Pickle p = new Pickle().op(']', 'q', 0);
        for (int i = 0; i < 60; i++) {
            p.op('h', i, 'h', i, 0x86, 'q', i + 1);
        }
        Path dag = pth(dir, "dag.pth", p.stop(), 0);
        refused("pickle: 2^60-leaf tree of memo references", dag, "not a state dict", () -> TorchCheckpoint.stateDict(dag, null));
        // nesting deeper than any state dict: 5,000 lists in lists
        Pickle deep = new Pickle();
        for (int i = 0; i < 5000; i++) {
            deep.op(']');
        }
        for (int i = 0; i < 4999; i++) {
            deep.op('a');
        }
        Path nested = pth(dir, "deep.pth", deep.stop(), 0);
        refused("pickle: 5,000 nested lists", nested, "deeper than", () -> TorchCheckpoint.read(nested));
        // a list as a dict key (unhashable in Python; hashing a self-containing one never ends in Java)
        Path listKey = pth(dir, "listkey.pth", new Pickle().op('}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's').stop(), 0);
        refused("pickle: a self-containing list as a dict key", listKey, "dict key", () -> TorchCheckpoint.read(listKey));
        // None as a storage offset and as a size
        Path noneOffset = pth(dir, "none.pth", new Pickle().tensorDict(4, null, new long[]{4}, new long[]{1}).stop(), 16);
        refused("pickle: None as a tensor's storage offset", noneOffset, "malformed tensor", () -> TorchCheckpoint.read(noneOffset));
    }

    @Test
    void hostileTensorArithmetic(@TempDir Path dir) throws IOException {
        // stride 0: 4 bytes of storage viewed as a 2^20 x 2^20 array (2^40 elements)
        Path stride0 = pth(dir, "stride0.pth",
                new Pickle().tensorDict(1, 0L, new long[]{1 << 20, 1 << 20}, new long[]{0, 0}).stop(), 4);
        refused("pth: stride 0 over a 2^40-element shape", stride0, "elements", () -> TorchCheckpoint.read(stride0));
        Path negative = pth(dir, "negstride.pth", new Pickle().tensorDict(4, 3L, new long[]{4}, new long[]{-1}).stop(), 16);
        refused("pth: a negative stride", negative, "negative stride", () -> TorchCheckpoint.read(negative));
        // numel x width overflowing 64 bits
        Path numel = pth(dir, "numel.pth", new Pickle().tensorDict(Long.MAX_VALUE / 2, 0L, new long[]{1}, new long[]{1}).stop(), 4);
        refused("pth: a storage of 2^62 elements", numel, "claims", () -> TorchCheckpoint.read(numel));
        // a storage entry shorter than its tensor needs
        Path shortStorage = pth(dir, "short.pth", new Pickle().tensorDict(1000, 0L, new long[]{1000}, new long[]{1}).stop(), 16);
        refused("pth: a storage shorter than declared", shortStorage, "expected 1000 elements", () -> TorchCheckpoint.read(shortStorage));
        // a truncated checkpoint is called truncated, not "legacy"
        Path whole = pth(dir, "whole.pth", new Pickle().tensorDict(4, 0L, new long[]{4}, new long[]{1}).stop(), 16);
        Path cut = dir.resolve("cut.pth");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        refused("pth: cut in half", cut, "truncated", () -> TorchCheckpoint.read(cut));
    }

    // ---- safetensors, npy, npz -----------------------------------------------------------------------------

    private static Path safetensors(Path dir, String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void hostileSafetensors(@TempDir Path dir) throws IOException {
        Path overflow = safetensors(dir, "overflow.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0);
        refused("safetensors: shape product wrapping to 0 bytes", overflow, "overflows", () -> Safetensors.read(overflow));
        Path overlap = safetensors(dir, "overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        refused("safetensors: two tensors on the same bytes", overlap, "overlap", () -> Safetensors.read(overlap));
        Path gap = safetensors(dir, "gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        refused("safetensors: a gap before the first tensor", gap, "gaps", () -> Safetensors.read(gap));
        Path types = safetensors(dir, "types.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":\"big\",\"data_offsets\":[0,4]}}", 4);
        refused("safetensors: a string for a shape", types, "malformed", () -> Safetensors.read(types));
        Path negative = safetensors(dir, "negative.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,-4],\"data_offsets\":[0,16]}}", 16);
        refused("safetensors: negative dimensions", negative, "negative", () -> Safetensors.read(negative));
    }

    private static byte[] npy(String header) {
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length())
                .put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static Path npz(Path dir, String name, String entry, byte[] data, boolean deflated) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(o)) {
            if (deflated) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(data);
                zip.closeEntry();
            } else {
                stored(zip, entry, data);
            }
        }
        return f;
    }

    @Test
    void hostileNpyAndNpz(@TempDir Path dir) throws IOException {
        Path negative = npz(dir, "negative.npz", "z.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }"), false);
        refused("npz: a negative dimension", negative, "negative dimension", () -> Npz.read(negative));
        Path overflow = npz(dir, "overflow.npz", "z.npy",
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"), false);
        refused("npz: a shape overflowing 64 bits", overflow, "overflows", () -> Npz.read(overflow));
        Path words = npz(dir, "words.npz", "z.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (a, b), }"), false);
        refused("npz: a shape of words", words, "whole number", () -> Npz.read(words));
        Path itemsize = npz(dir, "itemsize.npz", "z.npy",
                npy("{'descr': '<f99999999999', 'fortran_order': False, 'shape': (4,), }"), false);
        refused("npz: a dtype of absurd width", itemsize, "dtype", () -> Npz.read(itemsize));
        // found by ReaderFuzzTest's long run: an entry that ends right after the magic (its header length missing)
        Path magicOnly = npz(dir, "magic.npz", "z.npy", new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, false);
        refused("npz: an entry cut after the magic (fuzzing)", magicOnly, "truncated", () -> Npz.read(magicOnly));
        // a 2^31-element header over 16 bytes of data: refused before any allocation
        byte[] head = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647,), }");
        Path huge = npz(dir, "huge.npz", "z.npy", java.util.Arrays.copyOf(head, head.length + 16), true);
        refused("npz: 16 GB claimed by a 200-byte entry", huge, "bytes", () -> Npz.read(huge));
    }

    @Test
    void readingOneArrayInflatesOnlyItsEntry(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("two.npz");
        try (OutputStream o = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(o)) {
            byte[] z = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }");
            stored(zip, "z.npy", java.util.Arrays.copyOf(z, z.length + 4));
            stored(zip, "broken.npy", "not an array".getBytes(StandardCharsets.US_ASCII));
        }
        assertThrows(TensorFormatException.class, () -> Npz.read(f));
        assertEquals(1, Npz.readArray(f, "z").length(), "the broken entry is never read");
        assertEquals(java.util.List.of("z", "broken"), Npz.names(f));
    }
}
