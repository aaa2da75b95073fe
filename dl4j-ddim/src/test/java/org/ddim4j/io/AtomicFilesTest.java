package org.ddim4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-file writes: any file name, only the target's own stale temporary files cleared, failures leave the old file. */
class AtomicFilesTest {
    private static Path stale(Path dir, String name) throws IOException {
        Path p = Files.writeString(dir.resolve(name), "left by a killed writer");
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        return p;
    }

    @Test
    void globCharactersInTheNameAreOrdinaryCharacters(@TempDir Path dir) throws IOException {
        // as a glob, "{" is a syntax error (thrown after the rename, for a file that was written) ...
        Path brace = dir.resolve("run{1}.json");
        AtomicFiles.writeString(brace, "ok");
        assertEquals("ok", Files.readString(brace));
        // ... and "*" matched other targets' temporary files
        Path othersTemp = stale(dir, ".xyz.123.tmp");
        Path ownTemp = stale(dir, ".x*.456.tmp");
        AtomicFiles.writeString(dir.resolve("x*"), "star");
        assertTrue(Files.exists(othersTemp), "another target's temporary file is not this write's to remove");
        assertFalse(Files.exists(ownTemp), "this target's stale temporary file is removed");
        assertEquals("star", Files.readString(dir.resolve("x*")));
    }

    @Test
    void aTemporaryFileNewerThanTheWriteIsLeftForItsWriter(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.txt");
        Path concurrent = Files.writeString(dir.resolve(".a.txt.789.tmp"), "another writer, still writing");
        Files.setLastModifiedTime(concurrent, FileTime.from(Instant.now().plusSeconds(60)));
        AtomicFiles.writeString(target, "mine");
        assertTrue(Files.exists(concurrent));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("b.txt");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
