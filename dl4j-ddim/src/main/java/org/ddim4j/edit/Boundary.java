package org.ddim4j.edit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Npz;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear boundary of one attribute in the latent space: the hyperplane n.z + offset = 0 with unit normal n
 * (the attribute's direction: z + alpha n moves toward it) and its accuracies.
 *
 * @param attribute       the attribute's name
 * @param method          "logistic" or "svm"
 * @param normal          unit normal, flattened latent shape [d]
 * @param offset          so that n.z + offset is the signed distance of z from the boundary
 * @param heldOutAccuracy accuracy on the pairs held out of fitting
 * @param restAccuracy    for the SVM, accuracy on the pairs not among the most confident (NaN otherwise)
 * @param latentShape     [C, H, W] of the latents
 */
public record Boundary(String attribute, String method, INDArray normal, double offset, double heldOutAccuracy,
                       double restAccuracy, long[] latentShape) {
    /** Signed distances of latents [N, d] (or [N, C, H, W]) from the boundary. */
    public INDArray distance(INDArray latents) {
        INDArray flat = latents.reshape(latents.size(0), -1).castTo(DataType.DOUBLE);
        return flat.mmul(normal.castTo(DataType.DOUBLE).reshape(-1, 1)).reshape(-1).addi(offset);
    }

    /** The normal as an image [C, H, W], its values mapped linearly to [-1, 1] (min to -1, max to 1). */
    public INDArray asImage() {
        INDArray u = normal.castTo(DataType.FLOAT).reshape(latentShape);
        double lo = u.minNumber().doubleValue();
        double hi = u.maxNumber().doubleValue();
        return u.sub(lo).divi(Math.max(hi - lo, 1e-12)).muli(2).subi(1);
    }

    /** Writes {@code NAME.npz} (normal, offset) and {@code NAME.json} (attribute, method, accuracies). */
    public void save(Path npz) throws IOException {
        Npz.write(npz, Map.of("normal", normal.castTo(DataType.FLOAT), "offset",
                org.nd4j.linalg.factory.Nd4j.scalar(DataType.DOUBLE, offset), "latent_shape",
                org.nd4j.linalg.factory.Nd4j.createFromArray(latentShape)));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("attribute", attribute);
        meta.put("method", method);
        meta.put("held_out_accuracy", heldOutAccuracy);
        meta.put("rest_accuracy", Double.isNaN(restAccuracy) ? null : restAccuracy);
        AtomicFiles.writeString(sidecar(npz), new GsonBuilder().setPrettyPrinting().create().toJson(meta));
    }

    public static Boundary load(Path npz) {
        Map<String, INDArray> a = Npz.read(npz);
        if (!a.containsKey("normal") || !a.containsKey("offset") || !a.containsKey("latent_shape")) {
            throw new IllegalArgumentException(npz + ": not a boundary file (needs normal, offset, latent_shape; has "
                    + a.keySet() + ")");
        }
        String attribute = npz.getFileName().toString().replaceAll("\\.npz$", "");
        String method = "?";
        double held = Double.NaN;
        double rest = Double.NaN;
        Path side = sidecar(npz);
        if (Files.isRegularFile(side)) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = new Gson().fromJson(Files.readString(side), Map.class);
                attribute = String.valueOf(m.getOrDefault("attribute", attribute));
                method = String.valueOf(m.getOrDefault("method", method));
                held = m.get("held_out_accuracy") instanceof Number n ? n.doubleValue() : Double.NaN;
                rest = m.get("rest_accuracy") instanceof Number n ? n.doubleValue() : Double.NaN;
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(side + ": unreadable boundary metadata: " + e.getMessage(), e);
            }
        }
        INDArray normal = a.get("normal").castTo(DataType.FLOAT).reshape(-1);
        return new Boundary(attribute, method, normal, a.get("offset").getDouble(0), held, rest,
                a.get("latent_shape").castTo(DataType.LONG).toLongVector());
    }

    private static Path sidecar(Path npz) {
        return npz.resolveSibling(npz.getFileName().toString().replaceAll("\\.npz$", "") + ".json");
    }
}
