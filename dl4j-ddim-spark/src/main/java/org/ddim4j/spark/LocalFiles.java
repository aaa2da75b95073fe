package org.ddim4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch files of this JVM's temporary folder: ddim4j's formats are written and read through paths (zips need
 * random access), so bytes that travel through Spark (broadcasts, task results) pass through a temporary file.
 */
final class LocalFiles {
    private LocalFiles() {
    }

    /** A writer of a file at a path. */
    @FunctionalInterface
    interface Writer {
        void write(Path file) throws IOException;
    }

    /** A reader of a file at a path. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Path file) throws IOException;
    }

    /** The bytes {@code writer} writes to a file (a temporary one, deleted after). */
    static byte[] bytesOf(String suffix, Writer writer) {
        try {
            Path tmp = Files.createTempFile("ddim4j-", suffix);
            try {
                writer.write(tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code reader} reads from a file holding these bytes (a temporary one, deleted after). */
    static <T> T readBytes(byte[] bytes, String suffix, Reader<T> reader) {
        try {
            Path tmp = Files.createTempFile("ddim4j-", suffix);
            try {
                Files.write(tmp, bytes);
                return reader.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a temporary folder and what it holds (null: nothing); what cannot be deleted is left to the OS. */
    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it
        }
    }
}
