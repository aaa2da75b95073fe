package org.ddim4j.edit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/** Moves latents along attribute directions (InterFaceGAN's editing, on DDIM latents). */
public final class LatentEditor {
    private LatentEditor() {
    }

    /** z + alpha n for each alpha: [K, C, H, W] from one latent [1, C, H, W] or [C, H, W]. */
    public static INDArray along(INDArray z, Boundary b, double[] alphas) {
        INDArray flat = z.reshape(1, -1).castTo(DataType.FLOAT);
        INDArray n = b.normal().reshape(1, -1).castTo(DataType.FLOAT);
        if (flat.size(1) != n.size(1)) {
            throw new IllegalArgumentException("latent of " + flat.size(1) + " values, boundary of " + n.size(1));
        }
        INDArray out = Nd4j.create(DataType.FLOAT, alphas.length, flat.size(1));
        for (int i = 0; i < alphas.length; i++) {
            out.putRow(i, flat.add(n.mul(alphas[i])));
        }
        long[] shape = b.latentShape();
        return out.reshape(alphas.length, shape[0], shape[1], shape[2]);
    }

    /** The latent moved along the normal until its signed distance from the boundary is {@code target}. */
    public static INDArray toDistance(INDArray z, Boundary b, double target) {
        double now = b.distance(z.reshape(1, -1)).getDouble(0);
        return along(z, b, new double[]{target - now});
    }

    /**
     * Conditional editing (InterFaceGAN, Sec. 3.3): the primary direction with its components along the
     * condition directions removed (Gram-Schmidt on the conditions first), renormalised, so that moving along it
     * leaves the conditioning attributes' distances unchanged. The offset is kept.
     */
    public static Boundary conditioned(Boundary primary, List<Boundary> conditions) {
        List<INDArray> basis = new ArrayList<>();
        for (Boundary c : conditions) {
            INDArray v = c.normal().castTo(DataType.DOUBLE).reshape(-1).dup();
            for (INDArray e : basis) {
                v.subi(e.mul(v.mul(e).sumNumber().doubleValue()));
            }
            double norm = v.norm2Number().doubleValue();
            if (norm > 1e-8) {
                basis.add(v.divi(norm));
            }
        }
        INDArray u = primary.normal().castTo(DataType.DOUBLE).reshape(-1).dup();
        for (INDArray e : basis) {
            u.subi(e.mul(u.mul(e).sumNumber().doubleValue()));
        }
        double norm = u.norm2Number().doubleValue();
        if (norm < 1e-8) {
            throw new IllegalArgumentException(primary.attribute() + " lies in the span of the conditions: nothing is left to edit");
        }
        StringBuilder name = new StringBuilder(primary.attribute()).append(" | ");
        conditions.forEach(c -> name.append(c.attribute()).append(' '));
        return new Boundary(name.toString().trim(), primary.method() + "-conditioned", u.divi(norm).castTo(DataType.FLOAT),
                primary.offset(), primary.heldOutAccuracy(), primary.restAccuracy(), primary.latentShape());
    }
}
