package org.ddim4j.samples;

import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.sampler.FixedPointSettings;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** How images are inverted by optimisation: the flags of {@link InversionSettings}, defaulting to its defaults. */
final class InversionOptions {
    @Option(names = "--iterations", paramLabel = "N", description = "optimisation iterations (default 300, the seed's)")
    Integer iterations;

    @Option(names = "--lr", paramLabel = "LR", description = "the latent's learning rate (default 0.01)")
    Double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", completionCandidates = Choice.Optimizers.class,
            description = "the latent's optimiser: ${COMPLETION-CANDIDATES} (default adam)")
    InversionSettings.Optimizer optimizer;

    @Option(names = "--momentum", paramLabel = "M", description = "Nesterov's momentum (default 0.9)")
    Double momentum;

    @Option(names = "--loss", paramLabel = "LOSS", completionCandidates = Choice.Losses.class,
            description = "reconstruction loss: ${COMPLETION-CANDIDATES} (default psnr)")
    ReconstructionLoss loss;

    @Option(names = "--clamp", paramLabel = "HOW", completionCandidates = Choice.Clamps.class,
            description = "inward (default): the loss's gradient passes the [0, 1] clamp where it leads back into range; "
                    + "hard: the seed's clamp (no gradient outside)")
    ReconstructionLoss.Clamp clamp;

    @Option(names = "--fixed-point", paramLabel = "K", defaultValue = "0",
            description = "fixed-point iterations per step of the ODE (ode, and hybrid's ODE start; default 0, the plain "
                    + "DDIM-ODE): each makes the round trip closer to exact for one more network evaluation per step")
    int fixedPoint;

    @Option(names = "--anderson", paramLabel = "M", defaultValue = "0",
            description = "Anderson acceleration of the fixed point, mixing the last M iterates (3 is a good choice; "
                    + "default 0, plain iteration); stops each image's step at --tolerance and reports convergence")
    int anderson;

    @Option(names = "--tolerance", paramLabel = "TOL",
            description = "stop an image's fixed point when the RMS of its residual is at most TOL (model range; default "
                    + "1e-4 with --anderson, else none: every iteration runs)")
    Double tolerance;

    @Option(names = "--encoder", paramLabel = "ENC.ddim",
            description = "a latent encoder (./ddim train-encoder writes one): the encoder method's latent, and hybrid's start")
    Path encoderFile;

    /** The --encoder, or null; a usage error of {@code command} when {@code method} needs one and none was given. */
    LatentEncoder encoder(Inverter.Method method, DdimCommand command) throws IOException {
        if (method == Inverter.Method.ENCODER && encoderFile == null) {
            throw command.usageError("--method encoder needs --encoder ENC.ddim (./ddim train-encoder writes one)");
        }
        return encoderFile == null ? null : LatentEncoder.load(encoderFile);
    }

    /** The fixed point of the ODE's steps; a bad value is a usage error of {@code command}. */
    FixedPointSettings fixedPoint(DdimCommand command) {
        double tol = tolerance != null ? tolerance : anderson > 0 ? FixedPointSettings.DEFAULT_TOLERANCE : 0;
        if ((anderson > 0 || tolerance != null) && fixedPoint < 1) {
            throw command.usageError("--anderson and --tolerance need --fixed-point K (the most iterations per step)");
        }
        try {
            return new FixedPointSettings(fixedPoint, tol, anderson);
        } catch (IllegalArgumentException e) {
            throw command.usageError(e.getMessage());
        }
    }

    /** The settings, a GIF frame every 1/30 of the iterations; a bad value is a usage error of {@code command}. */
    InversionSettings settings(DdimCommand command) {
        InversionSettings d = InversionSettings.defaults();
        int n = iterations == null ? d.iterations() : iterations;
        try {
            return new InversionSettings(n, lr == null ? d.learningRate() : lr, optimizer == null ? d.optimizer() : optimizer,
                    momentum == null ? d.momentum() : momentum, loss == null ? d.loss() : loss, Math.max(1, n / 30),
                    clamp == null ? d.clamp() : clamp);
        } catch (IllegalArgumentException e) {
            throw command.usageError(e.getMessage());
        }
    }
}
