package org.ddim4j.sweep;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import org.ddim4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One candidate's outcome, saved as {@code result.json} in its folder (written last, atomically: a folder
 * without it is an unfinished candidate, which a resumed sweep runs again).
 *
 * @param overrides the swept keys' values, as given
 * @param key       the overrides in canonical text form (resuming matches candidates by it)
 * @param status    "complete" or "failed"
 * @param scores    null when failed
 * @param error     why it failed (null when complete)
 */
public record CandidateRecord(int index, Map<String, Object> overrides, String key, String status, CandidateScores scores,
                              String error, double seconds) {
    public static final String FILE = "result.json";
    // whole numbers read back as longs, not doubles: a resumed sweep's results.csv wrote batch size 16 as "16.0"
    // beside its fresh candidates' "16"
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    public boolean complete() {
        return "complete".equals(status);
    }

    /** The canonical text of a candidate's overrides. */
    public static String keyOf(Map<String, Object> overrides) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(overrides).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=')
                .append(v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !(v instanceof Double d
                        && (d.isNaN() || d.isInfinite())) ? String.valueOf(n.longValue()) : String.valueOf(v)));
        return sb.toString();
    }

    public void write(Path folder) throws IOException {
        AtomicFiles.writeString(folder.resolve(FILE), GSON.toJson(this));
    }

    /** The record in a candidate folder, or null if there is none (or it cannot be read). */
    public static CandidateRecord read(Path folder) {
        Path f = folder.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return parse(Files.readString(f));
        } catch (IOException e) {
            return null;
        }
    }

    /** The record of a result.json's text, or null if it is not one. */
    public static CandidateRecord parse(String json) {
        try {
            CandidateRecord r = GSON.fromJson(json, CandidateRecord.class);
            return r == null || r.key() == null ? null : new CandidateRecord(r.index(), new LinkedHashMap<>(r.overrides()),
                    r.key(), r.status(), r.scores(), r.error(), r.seconds());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
