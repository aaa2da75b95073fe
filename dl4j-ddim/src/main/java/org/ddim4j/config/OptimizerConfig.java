package org.ddim4j.config;

/**
 * The {@code optimizer} section: Adam as PyTorch's {@code torch.optim.Adam} (or plain SGD), plus clipping by global norm.
 *
 * @param name         {@code adam} (the only optimiser the seed uses) or {@code sgd} (plain SGD; the beta, amsgrad and
 *                     epsilon keys are then unused)
 * @param learningRate step size
 * @param weightDecay  L2 penalty added to the gradient (PyTorch Adam's {@code weight_decay})
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay (an addition to the seed's keys; default 0.999)
 * @param amsgrad      use the AMSGrad variant
 * @param epsilon      denominator term
 * @param gradientClip maximum global L2 norm of the gradient ({@code clip_grad_norm_}); 0 disables clipping
 * @param warmupIterations iterations over which the learning rate rises linearly from learning_rate / warmup to
 *                     learning_rate (an addition; default 0, none)
 * @param decay        how the learning rate falls after the warm-up, reaching 0 at training.num_i: {@code constant}
 *                     (the seed's), {@code cosine} or {@code linear} (an addition)
 */
public record OptimizerConfig(OptimizerName name, double learningRate, double weightDecay, double beta1, double beta2,
                              boolean amsgrad, double epsilon, double gradientClip, int warmupIterations,
                              LearningRateDecay decay) {
    public OptimizerConfig {
        Check.notNull("optimizer.name", name);
        Check.positive("optimizer.learning_rate", learningRate);
        Check.nonNegative("optimizer.weight_decay", weightDecay);
        Check.inRange("optimizer.beta_1", beta1, 0, 1, false);
        Check.inRange("optimizer.beta_2", beta2, 0, 1, false);
        Check.positive("optimizer.epsilon", epsilon);
        Check.nonNegative("optimizer.gradient_clip", gradientClip);
        Check.nonNegative("optimizer.warmup_iterations", warmupIterations);
        Check.notNull("optimizer.decay", decay);
    }

    /** The seed's optimizer section: a constant learning rate. */
    public OptimizerConfig(OptimizerName name, double learningRate, double weightDecay, double beta1, double beta2,
                           boolean amsgrad, double epsilon, double gradientClip) {
        this(name, learningRate, weightDecay, beta1, beta2, amsgrad, epsilon, gradientClip, 0, LearningRateDecay.CONSTANT);
    }
}
