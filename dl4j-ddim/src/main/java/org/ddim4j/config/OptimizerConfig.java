package org.ddim4j.config;

/**
 * The {@code optimizer} section: Adam as PyTorch's {@code torch.optim.Adam}, plus clipping by global norm.
 *
 * @param name         {@code adam} (the only optimiser the seed uses)
 * @param learningRate step size
 * @param weightDecay  L2 penalty added to the gradient (PyTorch Adam's {@code weight_decay})
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay (an addition to the seed's keys; default 0.999)
 * @param amsgrad      use the AMSGrad variant
 * @param epsilon      denominator term
 * @param gradientClip maximum global L2 norm of the gradient ({@code clip_grad_norm_}); 0 disables clipping
 */
public record OptimizerConfig(OptimizerName name, double learningRate, double weightDecay, double beta1, double beta2,
                              boolean amsgrad, double epsilon, double gradientClip) {
    public OptimizerConfig {
        Check.notNull("optimizer.name", name);
        Check.positive("optimizer.learning_rate", learningRate);
        Check.nonNegative("optimizer.weight_decay", weightDecay);
        Check.inRange("optimizer.beta_1", beta1, 0, 1, false);
        Check.inRange("optimizer.beta_2", beta2, 0, 1, false);
        Check.positive("optimizer.epsilon", epsilon);
        Check.nonNegative("optimizer.gradient_clip", gradientClip);
    }
}
