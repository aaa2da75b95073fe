package org.ddim4j.sampler;

import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A deterministic sampler that can be differentiated with respect to its noise x_T: optimisation-based inversion
 * runs it, then pulls the loss's gradient back through the run. {@link DdimSampler} is one (its own backward pass);
 * {@link UnrolledSampler} makes one of any other deterministic sampler.
 */
public interface DifferentiableSampler {
    /** A run from x_T keeping what {@link #inputGradient} needs when {@code keepTrajectory}. */
    SampleResult run(NoisePredictor model, INDArray xT, boolean keepTrajectory);

    /** dL/dx_T from a kept run and dL/d(its sample). */
    INDArray inputGradient(DifferentiableNoisePredictor model, SampleResult run, INDArray gradSample);

    /** Network evaluations per image and run. */
    int evaluations();
}
