package org.ddim4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job's output folder on any Hadoop filesystem (a local path, {@code file:}, {@code hdfs:}, ...), written so that
 * retried and speculative tasks leave neither duplicates nor half files:
 * <ol>
 *   <li>a task writes each file under {@code _attempts/} with a name of its own attempt, flushed to disk (hsync);</li>
 *   <li>then renames it to its final name. Files only, never folders: renaming a folder onto an existing one moves it
 *       inside on HDFS. Two attempts of a shard write the same bytes (the jobs are deterministic), so whichever
 *       rename lands first wins; a later one finds the name taken and drops its copy;</li>
 *   <li>a shard's last file is its marker ({@link #isComplete}): written after all its other files, so a re-run of
 *       the job skips exactly the shards that are complete;</li>
 *   <li>the driver removes {@code _attempts/} when the job has finished (what failed attempts left).</li>
 * </ol>
 * On object stores without an atomic rename (S3) step 2 is a copy; use a filesystem with one for the output.
 */
public final class ShardCommitter implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Where attempts write before their rename. */
    public static final String ATTEMPTS = "_attempts";
    private final String root;

    /** @param root the job's output folder (a path or URI) */
    public ShardCommitter(String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("the output folder must be a path or URI, got '" + root + "'");
        }
        this.root = root;
    }

    public String root() {
        return root;
    }

    private FileSystem fs() throws IOException {
        FileSystem fs = new Path(root).getFileSystem(new Configuration());
        if (fs instanceof ChecksumFileSystem c) {
            c.setWriteChecksum(false);   // no .crc files beside a local output
        }
        return fs;
    }

    /** True when the file {@code name} (a shard's marker) has been committed. */
    public boolean isComplete(String name) {
        try {
            return fs().isFile(new Path(root, name));
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits local files under the given names (relative to the root), in order: the last is the shard's marker.
     * Called in a task (the attempt's id names the temporary copies) or on the driver.
     */
    public void commit(List<java.nio.file.Path> files, List<String> names) {
        if (files.size() != names.size() || files.isEmpty()) {
            throw new IllegalArgumentException("one name per file, got " + files.size() + " files and " + names.size() + " names");
        }
        try {
            FileSystem fs = fs();
            String attempt = attemptTag();
            for (int i = 0; i < files.size(); i++) {
                Path target = new Path(root, names.get(i));
                Path temp = new Path(new Path(root, ATTEMPTS), names.get(i).replace('/', '~') + "." + attempt);
                try (InputStream in = Files.newInputStream(files.get(i)); FSDataOutputStream out = fs.create(temp, true)) {
                    in.transferTo(out);
                    out.hsync();
                }
                if (i == files.size() - 1) {
                    // the test hook: an attempt dies with its other files committed and this one half-way
                    TaskFailures.failFirstAttemptIfAsked("before committing " + names.get(i));
                }
                fs.mkdirs(target.getParent());
                if (fs.exists(target) || !fs.rename(temp, target)) {
                    if (!fs.isFile(target)) {
                        throw new IOException("could not rename " + temp + " to " + target);
                    }
                    fs.delete(temp, false);   // another attempt committed the same bytes first
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": could not commit " + names + ": " + e.getMessage(), e);
        }
    }

    /** Commits text written on the driver (an index, a job description) under {@code name}. */
    public void commitText(String name, String text) {
        try {
            java.nio.file.Path tmp = Files.createTempFile("ddim4j-", ".txt");
            try {
                Files.writeString(tmp, text);
                commit(List.of(tmp), List.of(name));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a committed file, or null when there is none. */
    public String readText(String name) {
        try {
            FileSystem fs = fs();
            Path p = new Path(root, name);
            if (!fs.isFile(p)) {
                return null;
            }
            try (InputStream in = fs.open(p)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    /** Copies a committed file to a local one (driver side: assembling a result). */
    public void copyToLocal(String name, java.nio.file.Path local) {
        try (InputStream in = fs().open(new Path(root, name))) {
            Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    /** Names of the committed files directly in folder {@code dir} of the root ("" for the root), sorted. */
    public List<String> list(String dir) {
        try {
            FileSystem fs = fs();
            Path p = dir.isEmpty() ? new Path(root) : new Path(root, dir);
            List<String> out = new ArrayList<>();
            if (fs.exists(p)) {
                for (FileStatus s : fs.listStatus(p)) {
                    if (s.isFile()) {
                        out.add(s.getPath().getName());
                    }
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    /** Removes what failed or losing attempts left (driver, after the job). */
    public void removeAttempts() {
        try {
            fs().delete(new Path(root, ATTEMPTS), true);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the whole output folder (driver: shards assembled into a result elsewhere). */
    public void deleteAll() {
        try {
            fs().delete(new Path(root), true);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": " + e.getMessage(), e);
        }
    }

    private static String attemptTag() {
        TaskContext t = TaskContext.get();
        return t == null ? "driver-" + UUID.randomUUID()
                : "s" + t.stageId() + "-p" + t.partitionId() + "-a" + t.attemptNumber() + "-t" + t.taskAttemptId();
    }
}
