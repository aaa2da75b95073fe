package org.ddim4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names in a dataset's list files stay inside its root, by name and through symbolic links. */
class DatasetFilesTest {
    @Test
    void aSymbolicLinkInsideTheRootCannotLeadOutOfIt(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(secret.resolve("passwd"), "not an image");
        Files.createSymbolicLink(root.resolve("images"), secret);
        var e = assertThrows(IllegalArgumentException.class,
                () -> DatasetFiles.inside(root, root, "images/passwd", "list.txt"));
        assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains("list.txt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetFiles.inside(root, root, "../elsewhere/passwd", "list.txt"));
        // a root that is itself a link, and files inside it, are fine
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("linked-root"), root);
        Files.writeString(root.resolve("a.png"), "x");
        assertEquals(linkedRoot.resolve("a.png").toAbsolutePath(), DatasetFiles.inside(linkedRoot, linkedRoot, "a.png", "list.txt"));
    }
}
