package org.ddim4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks shared by the dataset readers: required files, and list files that must stay inside ROOT. */
public final class DatasetFiles {
    private DatasetFiles() {
    }

    /** The file or folder, which must exist; otherwise an error naming it and where the dataset comes from. */
    public static Path require(Path path, String dataset, String downloadFrom) {
        if (!Files.exists(path)) {
            throw new DatasetNotFoundException(dataset + ": expected " + path.toAbsolutePath() + " (download the dataset"
                    + " from " + downloadFrom + " and give the folder it unpacks to as the root)");
        }
        return path;
    }

    /** The first of the candidates that exists, else an error naming them all. */
    public static Path firstExisting(String dataset, String downloadFrom, Path... candidates) {
        for (Path p : candidates) {
            if (Files.exists(p)) {
                return p;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Path p : candidates) {
            sb.append(sb.length() == 0 ? "" : " or ").append(p.toAbsolutePath());
        }
        throw new DatasetNotFoundException(dataset + ": expected " + sb + " (download the dataset from " + downloadFrom
                + " and give the folder it unpacks to as the root)");
    }

    /**
     * {@code relative} resolved against {@code base}, refused if it leaves {@code root}: by its name (a list file naming
     * {@code ../../etc/passwd} or an absolute path) or, where it exists, through a symbolic link inside the root that
     * points out of it (the root itself may be a link).
     */
    public static Path inside(Path root, Path base, String relative, String listFile) {
        Path p = base.toAbsolutePath().resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !p.startsWith(root.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(listFile + " names '" + relative + "', which is outside the dataset root "
                    + root.toAbsolutePath() + ": refused");
        }
        if (Files.exists(p)) {
            try {
                if (!p.toRealPath().startsWith(root.toRealPath())) {
                    throw new IllegalArgumentException(listFile + " names '" + relative + "', which a symbolic link leads "
                            + "out of the dataset root " + root.toAbsolutePath() + " (to " + p.toRealPath() + "): refused");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(listFile + " names '" + relative + "', which cannot be resolved: " + e);
            }
        }
        return p;
    }

    /** Reads a whole small file. */
    public static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }
}
