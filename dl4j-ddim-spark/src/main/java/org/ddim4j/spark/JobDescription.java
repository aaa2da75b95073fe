package org.ddim4j.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.ddim4j.model.DdimModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code job.json} of an output folder: the job's kind, its spec and the model's parameter count and checksum (and a
 * class-conditional model's guidance). A
 * re-run into the same folder continues only the same job: shards of another one are never mixed in.
 */
final class JobDescription {
    static final String FILE = "job.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private JobDescription() {
    }

    /** Writes the description, or checks it against the one a previous run wrote. */
    static void claim(ShardCommitter output, String kind, Record spec, DdimModel model) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("job", kind);
        d.put("spec", spec.toString());
        d.put("parameters", model.network().parameters().trainableCount());
        d.put("parameterChecksum", checksum(model));
        if (model.conditional()) {
            // what the samples are drawn with besides the weights (written for a conditional model only, so an
            // unconditional job's description, and its re-runs, stay as they were)
            d.put("guidance", model.config().diffusion().guidance());
        }
        String text = GSON.toJson(d);
        String before = output.readText(FILE);
        if (before == null) {
            output.commitText(FILE, text);
        } else if (!before.equals(text)) {
            throw new IllegalArgumentException(output.root() + " holds the output of another job (its " + FILE
                    + " differs from this one's); choose another output folder or delete it");
        }
    }

    /** A checksum of the parameters' float32 bits (CRC-32 of the raw values). */
    private static long checksum(DdimModel model) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (String name : model.network().parameters().trainableNames()) {
            INDArray p = model.network().parameters().get(name);
            crc.update(p.dup('c').data().asNio());
        }
        return crc.getValue();
    }
}
