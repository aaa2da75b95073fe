package org.ddim4j.sweep;

/**
 * What a trained candidate is judged by.
 *
 * @param validationLoss   mean squared error of the predicted noise on held-out images, at fixed timesteps
 *                         and fixed noise (the same for every candidate)
 * @param inversionPsnr    mean PSNR (dB) of optimisation-based inversion of held-out images at the candidate's
 *                         sampling step count
 * @param samplingSeconds  seconds to draw 16 samples with the candidate's sampler
 * @param iterations       training iterations done within the budget
 * @param trainingLoss     the last training loss
 * @param trainingSeconds  wall-clock training time
 * @param kid              KID (plain MMD^2) of the candidate's samples against the training images, or null when the
 *                         sweep's score needs no samples
 * @param kidStd           its standard deviation over subsets, or null
 * @param fid              FID of the same samples, or null (also when there are too few samples for it)
 */
public record CandidateScores(double validationLoss, double inversionPsnr, double samplingSeconds, long iterations,
                              double trainingLoss, double trainingSeconds, Double kid, Double kidStd, Double fid) {
    public double get(SweepSpec.Score score) {
        return switch (score) {
            case VALIDATION_LOSS -> validationLoss;
            case INVERSION_PSNR -> inversionPsnr;
            case SAMPLING_SECONDS -> samplingSeconds;
            case KID -> kid == null ? Double.NaN : kid;
            case FID -> fid == null ? Double.NaN : fid;
        };
    }
}
