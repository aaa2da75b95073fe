package org.ddim4j.train;

/** The loss became NaN or infinite; the run stopped and its last checkpoint was kept as it was. */
public class TrainingDivergedException extends RuntimeException {
    private final long iteration;

    public TrainingDivergedException(long iteration, double loss, String lastCheckpoint) {
        super("loss is " + loss + " at iteration " + iteration + "; training stopped. The last good checkpoint is "
                + lastCheckpoint + " (lower optimizer.learning_rate or set optimizer.gradient_clip, then --resume)");
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}
