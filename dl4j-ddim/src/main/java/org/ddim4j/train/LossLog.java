package org.ddim4j.train;

import org.ddim4j.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code loss.csv}: one row per iteration ({@code iteration,loss,grad_norm,seconds}), flushed as written.
 * When a run resumes, rows after the checkpoint's iteration (work that was lost) are dropped first.
 */
public final class LossLog implements AutoCloseable {
    public static final String HEADER = "iteration,loss,grad_norm,seconds";
    private final BufferedWriter writer;
    private final List<double[]> rows = new ArrayList<>();

    public LossLog(Path file, long keepUpToIteration) throws IOException {
        List<String> kept = new ArrayList<>();
        kept.add(HEADER);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("iteration")) {
                    continue;
                }
                String[] parts = line.split(",");
                try {
                    if (parts.length == 4 && Long.parseLong(parts[0]) <= keepUpToIteration) {
                        kept.add(line);
                        rows.add(new double[]{Double.parseDouble(parts[0]), Double.parseDouble(parts[1])});
                    }
                } catch (NumberFormatException e) {
                    // a row cut short by a crash: dropped
                }
            }
        }
        AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    public void append(long iteration, double loss, double gradNorm, double seconds) throws IOException {
        writer.write(iteration + "," + loss + "," + gradNorm + "," + String.format(java.util.Locale.ROOT, "%.3f", seconds));
        writer.newLine();
        writer.flush();
        rows.add(new double[]{iteration, loss});
    }

    /** (iteration, loss) pairs logged so far, including those kept from before a resume. */
    public List<double[]> rows() {
        return List.copyOf(rows);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
