package org.ddim4j.train;

/**
 * The loss, the gradient's norm or the weights became NaN or infinite; the run stopped before anything non-finite
 * reached the optimiser or a checkpoint, and its last checkpoint was kept as it was.
 */
public class TrainingDivergedException extends RuntimeException {
    private final long iteration;

    public TrainingDivergedException(long iteration, double loss, String lastCheckpoint) {
        this(iteration, "loss", loss, lastCheckpoint);
    }

    /** @param what the quantity that is not finite: "loss", "gradient norm", "weights" (value NaN for weights) */
    public TrainingDivergedException(long iteration, String what, double value, String lastCheckpoint) {
        super(what + (what.equals("weights") ? " are not finite" : " is " + value) + " at iteration " + iteration
                + "; training stopped, nothing non-finite was saved. The last good checkpoint is " + lastCheckpoint
                + " (lower optimizer.learning_rate or set optimizer.gradient_clip, then --resume)");
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}
