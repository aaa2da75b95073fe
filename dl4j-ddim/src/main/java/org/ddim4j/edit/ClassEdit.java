package org.ddim4j.edit;

import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.GuidedNoisePredictor;

import java.util.Arrays;

/**
 * Editing by class label with a class-conditional model, the conditional counterpart of a boundary's direction: a
 * latent inverted (or drawn) with the null class is decoded again with the network told a class c, at a strength s.
 * <ol>
 *   <li>eps_s(x, t) = eps(x, t) + s (eps(x, t, c) - eps(x, t)), where eps(x, t) is the null class's prediction;</li>
 *   <li>s = 0 is the null class alone: the latent decodes to its own image (the one it was inverted from, as exactly
 *       as the inversion is), which is what an edit's strength 0 must give;</li>
 *   <li>s = 1 is the class's conditional prediction; s &gt; 1 is classifier-free guidance with w = s - 1
 *       (Ho and Salimans 2022, eq. 6: (1 + w) eps(x, t, c) - w eps(x, t)), s &lt; 0 moves away from the class;</li>
 *   <li>the latent is decoded along the same deterministic path with eps_s, so the edit keeps what the ODE carries
 *       from the noise (layout, colours) and changes what the class decides.</li>
 * </ol>
 */
public final class ClassEdit {
    private ClassEdit() {
    }

    /**
     * The predictor of step 1 for a batch of {@code batch} images, all told class {@code label}.
     *
     * @param strength s, any finite number
     */
    public static DifferentiableNoisePredictor predictor(DdimModel model, int label, double strength, int batch) {
        if (!model.conditional()) {
            throw new IllegalArgumentException("editing by class needs a class-conditional model (network.class_conditional)");
        }
        if (label < 0 || label >= model.classes().size()) {
            throw new IllegalArgumentException("class label " + label + " is outside 0.." + (model.classes().size() - 1));
        }
        if (!Double.isFinite(strength)) {
            throw new IllegalArgumentException("an edit's strength must be a finite number, got " + strength);
        }
        if (strength == 0) {
            // 2.
            return model.noisePredictor();
        }
        int[] labels = new int[batch];
        Arrays.fill(labels, label);
        // 3. (s = 1: the conditional predictor itself; otherwise eq. 6 with w = s - 1, which is step 1 rearranged)
        DifferentiableNoisePredictor conditional = model.noisePredictor(labels, 0);
        return strength == 1 ? conditional : new GuidedNoisePredictor(conditional, model.noisePredictor(), strength - 1);
    }
}
