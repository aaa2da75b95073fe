package org.ddim4j.invert;

/**
 * How optimisation-based inversion runs. The seed's settings are the defaults ({@link #seed()}): Adam,
 * lr 0.01, 300 iterations, PSNR maximised.
 *
 * @param iterations   optimisation steps (>= 0; 0 only evaluates the start)
 * @param learningRate the optimiser's step size (> 0)
 * @param optimizer    Adam (betas 0.9, 0.999, eps 1e-8, as PyTorch) or SGD with Nesterov momentum
 * @param momentum     Nesterov momentum in (0, 1) (ignored by Adam)
 * @param loss         the reconstruction loss minimised (PSNR and SSIM are maximised)
 * @param frameEvery   keep the reconstruction every this many iterations for a GIF (0: none)
 * @param clamp        how the loss's gradient crosses the clamp to [0, 1] (INWARD; HARD is the seed's)
 */
public record InversionSettings(int iterations, double learningRate, Optimizer optimizer, double momentum,
                                ReconstructionLoss loss, int frameEvery, ReconstructionLoss.Clamp clamp) {
    /** The optimiser of the latent. */
    public enum Optimizer { ADAM, NESTEROV }

    public InversionSettings {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (optimizer == Optimizer.NESTEROV && !(momentum > 0 && momentum < 1)) {
            throw new IllegalArgumentException("Nesterov momentum must be in (0, 1), got " + momentum);
        }
        if (loss == null || optimizer == null || clamp == null) {
            throw new IllegalArgumentException("loss, optimizer and clamp are required");
        }
        if (frameEvery < 0) {
            throw new IllegalArgumentException("frameEvery must be >= 0, got " + frameEvery);
        }
    }

    /** Settings with the inward clamp and no frames. */
    public InversionSettings(int iterations, double learningRate, Optimizer optimizer, double momentum,
                             ReconstructionLoss loss) {
        this(iterations, learningRate, optimizer, momentum, loss, 0, ReconstructionLoss.Clamp.INWARD);
    }

    /** The seed's settings: Adam, lr 0.01, 300 iterations, PSNR, its hard clamp. */
    public static InversionSettings seed() {
        return new InversionSettings(300, 0.01, Optimizer.ADAM, 0.9, ReconstructionLoss.PSNR, 0, ReconstructionLoss.Clamp.HARD);
    }

    /** The seed's settings with the inward clamp (the default of ./ddim invert). */
    public static InversionSettings defaults() {
        return seed().withClamp(ReconstructionLoss.Clamp.INWARD);
    }

    public InversionSettings withClamp(ReconstructionLoss.Clamp c) {
        return new InversionSettings(iterations, learningRate, optimizer, momentum, loss, frameEvery, c);
    }

    public InversionSettings withLearningRate(double lr) {
        return new InversionSettings(iterations, lr, optimizer, momentum, loss, frameEvery, clamp);
    }

    public InversionSettings withOptimizer(Optimizer o) {
        return new InversionSettings(iterations, learningRate, o, momentum, loss, frameEvery, clamp);
    }

    public InversionSettings withIterations(int n) {
        return new InversionSettings(n, learningRate, optimizer, momentum, loss, frameEvery, clamp);
    }

    public InversionSettings withLoss(ReconstructionLoss l) {
        return new InversionSettings(iterations, learningRate, optimizer, momentum, l, frameEvery, clamp);
    }

    public InversionSettings withFrameEvery(int k) {
        return new InversionSettings(iterations, learningRate, optimizer, momentum, loss, k, clamp);
    }
}
