package org.ddim4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Entries of the project's zip-based files (model files, checkpoints). */
public final class Zips {
    private Zips() {
    }

    public static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** The entries' time: fixed (DOS time's first day), so the same arrays always give the same bytes. */
    private static final java.time.LocalDateTime REPRODUCIBLE_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    /** An uncompressed entry (as NumPy's npz and PyTorch's checkpoints store their arrays). */
    public static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setTimeLocal(REPRODUCIBLE_TIME);
        entry.setSize(data.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * The bytes of a required entry.
     *
     * @param kind what the file should be, for the error ("a ddim4j checkpoint")
     */
    public static byte[] read(ZipFile zip, Path file, String name, String kind) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new TensorFormatException(file + ": not " + kind + " (no " + name + " inside)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
