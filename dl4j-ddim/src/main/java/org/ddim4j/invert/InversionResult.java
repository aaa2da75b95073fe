package org.ddim4j.invert;

import org.ddim4j.sampler.FixedPointInversion;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * What an inversion found for a batch of images.
 *
 * @param latent         x_T [B, C, H, W]
 * @param reconstruction the sampler's output from the latent (model range, raw) [B, C, H, W]
 * @param psnr           PSNR in dB of each reconstruction's image against its target [B]
 * @param ssim           SSIM of each [B] (NaN for images smaller than its 11x11 window)
 * @param seconds        wall-clock time of the whole batch
 * @param psnrHistory    per iteration, each image's PSNR (empty for methods that do not iterate)
 * @param frames         reconstructions kept along the way, for a GIF (may be empty)
 * @param partner        the exact samplers' (EDICT, BDIA) second latent of each pair [B, C, H, W] (double); null for
 *                       the other methods, whose latent is x_T alone
 * @param fixedPoint     the fixed-point ODE's report per image (evaluations, residual, convergence); null where no
 *                       fixed point was iterated
 */
public record InversionResult(INDArray latent, INDArray reconstruction, INDArray psnr, INDArray ssim, double seconds,
                              List<double[]> psnrHistory, List<INDArray> frames, INDArray partner,
                              FixedPointInversion.Result fixedPoint) {
    public InversionResult {
        psnrHistory = List.copyOf(psnrHistory);
        frames = List.copyOf(frames);
    }

    /** A result of a method whose latent is x_T alone, without a fixed-point report. */
    public InversionResult(INDArray latent, INDArray reconstruction, INDArray psnr, INDArray ssim, double seconds,
                           List<double[]> psnrHistory, List<INDArray> frames) {
        this(latent, reconstruction, psnr, ssim, seconds, psnrHistory, frames, null, null);
    }

    /** This result with the exact samplers' partner latents and the fixed-point report. */
    InversionResult with(INDArray partnerLatents, FixedPointInversion.Result report) {
        return new InversionResult(latent, reconstruction, psnr, ssim, seconds, psnrHistory, frames, partnerLatents, report);
    }

    /** A result measured now: PSNR and SSIM of the reconstruction against the targets. */
    static InversionResult measured(INDArray latent, INDArray reconstruction, INDArray targets, double seconds,
                                    List<double[]> psnrHistory, List<INDArray> frames) {
        boolean ssimFits = targets.size(2) >= ReconstructionLoss.SSIM_WINDOW && targets.size(3) >= ReconstructionLoss.SSIM_WINDOW;
        INDArray ssim = ssimFits ? ReconstructionLoss.ssim(reconstruction, targets)
                : org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{targets.size(0)}, Double.NaN,
                org.nd4j.linalg.api.buffer.DataType.FLOAT);            // images smaller than SSIM's window
        return new InversionResult(latent, reconstruction, ReconstructionLoss.psnr(reconstruction, targets), ssim, seconds,
                psnrHistory, frames);
    }
}
