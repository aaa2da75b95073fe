package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Classifier-free guidance (Ho and Salimans 2022): one class-conditional network seen with and without its labels,
 * combined with weight w (sampling uses w &gt; 0; editing by class, {@code edit.ClassEdit}, any finite w: -1 &lt; w &lt; 0
 * blends the null class's prediction into the conditional one, w = -1 is the null class).
 * <ol>
 *   <li>eps~(x, t) = (1 + w) eps(x, t, c) - w eps(x, t) (their eq. 6; w = 0 is the conditional model, larger w
 *       trades diversity for samples more typical of their class);</li>
 *   <li>being linear in both predictions, its vector-Jacobian product is the same combination of theirs:
 *       J~^T g = (1 + w) J_c^T g - w J^T g.</li>
 * </ol>
 */
public final class GuidedNoisePredictor implements DifferentiableNoisePredictor {
    private final DifferentiableNoisePredictor conditional;
    private final DifferentiableNoisePredictor unconditional;
    private final double weight;

    /**
     * @param conditional   the network given each image's class
     * @param unconditional the same network given the null class
     * @param weight        guidance weight w, finite and not 0 (at 0 use the conditional predictor itself)
     */
    public GuidedNoisePredictor(DifferentiableNoisePredictor conditional, DifferentiableNoisePredictor unconditional,
                                double weight) {
        if (weight == 0 || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("guidance weight must be a finite number other than 0 (0: the conditional "
                    + "predictor itself), got " + weight);
        }
        this.conditional = conditional;
        this.unconditional = unconditional;
        this.weight = weight;
    }

    @Override
    public INDArray predictNoise(INDArray x, INDArray t) {
        // 1.
        return combine(conditional.predictNoise(x, t), unconditional.predictNoise(x, t));
    }

    @Override
    public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
        // 2.
        return combine(conditional.inputGradient(x, t, cotangent), unconditional.inputGradient(x, t, cotangent));
    }

    @Override
    public Linearization linearize(INDArray x, INDArray t) {
        Linearization c = conditional.linearize(x, t);
        Linearization u = unconditional.linearize(x, t);
        return Linearization.of(combine(c.eps(), u.eps()),
                cotangent -> combine(c.pullback(cotangent), u.pullback(cotangent)), () -> {
                    c.release();
                    u.release();
                });
    }

    /** (1 + w) a - w b, as a new array. */
    private INDArray combine(INDArray a, INDArray b) {
        return a.mul(1 + weight).subi(b.mul(weight));
    }
}
