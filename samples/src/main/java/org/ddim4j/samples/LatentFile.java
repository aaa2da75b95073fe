package org.ddim4j.samples;

import org.ddim4j.io.Npz;
import org.ddim4j.sampler.SamplerKind;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A latent as {@code ./ddim invert} writes it and {@code interpolate} and {@code edit} read it: {@code z} [1, C, H, W],
 * and for the exact samplers the pair's partner under {@code y_edict} or {@code y_bdia} (both then kept in double,
 * which their exact round trip needs).
 *
 * @param z       x_T [B, C, H, W]
 * @param partner the pair's second array, or null
 * @param exact   EDICT or BDIA for a pair, null otherwise
 */
record LatentFile(INDArray z, INDArray partner, SamplerKind exact) {
    private static final String PARTNER_PREFIX = "y_";

    /** Reads {@code file}, checking z against [C, H, W] = {@code chw}; a mismatch names the file and both shapes. */
    static LatentFile read(Path file, long[] chw) {
        Map<String, INDArray> arrays = Npz.read(file);
        INDArray z = arrays.get("z");
        if (z == null) {
            throw new IllegalArgumentException(file + ": no array 'z' (a latent as ./ddim invert writes it), found " + arrays.keySet());
        }
        if (z.rank() == 3) {
            z = z.reshape(1, z.size(0), z.size(1), z.size(2));
        }
        if (z.rank() != 4 || z.size(1) != chw[0] || z.size(2) != chw[1] || z.size(3) != chw[2]) {
            throw new IllegalArgumentException(file + ": z has shape " + Arrays.toString(z.shape()) + ", expected [B, "
                    + chw[0] + ", " + chw[1] + ", " + chw[2] + "]");
        }
        for (SamplerKind k : SamplerKind.values()) {
            INDArray y = arrays.get(PARTNER_PREFIX + k.key());
            if (y != null) {
                if (!k.invertible() || !Arrays.equals(y.shape(), z.shape())) {
                    throw new IllegalArgumentException(file + ": " + PARTNER_PREFIX + k.key() + " must be an exact sampler's "
                            + "partner of z's shape " + Arrays.toString(z.shape()) + ", got " + Arrays.toString(y.shape()));
                }
                return new LatentFile(z, y, k);
            }
        }
        return new LatentFile(z, null, null);
    }

    /** Writes this latent atomically (see {@link Npz#write}). */
    void write(Path file) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("z", z);
        if (partner != null) {
            arrays.put(PARTNER_PREFIX + exact.key(), partner);
        }
        Npz.write(file, arrays);
    }

    /** The b-th latent, [1, C, H, W]. */
    LatentFile slice(int b) {
        return new LatentFile(one(z, b), partner == null ? null : one(partner, b), exact);
    }

    private static INDArray one(INDArray a, int b) {
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b, b + 1)).dup();
    }

    /**
     * Latents moved to {@code moved} (float32 [B, C, H, W]) from this z's float32 rounding: a pair's two arrays both
     * shifted by the same offset (in their own precision, so a zero offset leaves the pair exact).
     */
    LatentFile movedTo(INDArray moved) {
        if (partner == null) {
            return new LatentFile(moved, null, null);
        }
        INDArray offset = moved.castTo(partner.dataType()).subi(z.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .castTo(partner.dataType()));
        return new LatentFile(z.castTo(partner.dataType()).add(offset), partner.add(offset), exact);
    }

    /** The images these latents map to: {@code sampler} from z, or for a pair the exact sampler's decoding. */
    INDArray decode(org.ddim4j.schedule.NoisePredictor network, org.ddim4j.sampler.Sampler sampler) {
        if (partner == null) {
            return sampler.sample(network, z, null);
        }
        if (!(sampler instanceof org.ddim4j.sampler.InvertibleSampler s) || s.kind() != exact) {
            throw new IllegalArgumentException("a " + exact + " latent pair decodes with the " + exact + " sampler");
        }
        return s.decode(network, new org.ddim4j.sampler.LatentPair(z, partner));
    }

    /** The inversion method of an exact sampler's pairs. */
    static org.ddim4j.invert.Inverter.Method methodOf(SamplerKind exact) {
        return org.ddim4j.invert.Inverter.Method.fromName(exact.key());
    }
}
