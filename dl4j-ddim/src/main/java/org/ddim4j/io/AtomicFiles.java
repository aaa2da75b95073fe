package org.ddim4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader (or a crash) sees either the old file or the complete new one: the content
 * goes to a temporary file beside the target, is flushed to disk, then renamed over the target, and the folder
 * is flushed so that the rename itself survives a crash. Temporary files of the same target left by a writer that
 * was killed (older than this write) are removed by the next successful write of it; the target's name is
 * compared literally, so no other file is touched whatever characters it holds. One writer per target at a time.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Something that writes a whole file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        long started = System.currentTimeMillis();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            setPermissions(tmp, target);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            removeLeftovers(dir, target.getFileName().toString(), started);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Temporary files are created readable by the owner only; the result gets the target's permissions if
     * it exists, else rw-r--r-- (like a file written in place under the usual umask).
     */
    private static void setPermissions(Path tmp, Path target) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: the platform's defaults apply
        }
    }

    /** Flushes a folder's entries (the rename) to disk where the platform allows opening a folder. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform opens folders (Windows): the file's own content was flushed already
        }
    }

    /**
     * Temporary files of this target ("." + name + "." ... ".tmp", compared literally) last written before
     * {@code started}: left by a process killed mid-write (never read; only space). Newer ones may be another
     * writer's and are left alone.
     */
    private static void removeLeftovers(Path dir, String name, long started) {
        String prefix = "." + name + ".";
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp") && n.length() > prefix.length() + 4
                        && Files.getLastModifiedTime(p).toMillis() < started) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // best effort: a leftover costs disk space, not correctness
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }
}
