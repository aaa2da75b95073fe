package org.ddim4j.edit;

/**
 * What an edit did to a classifier's score, in measures that can fail (issue 28): over K latents edited with the
 * same alphas,
 * <ol>
 *   <li>the best alpha: the one with the highest mean score;</li>
 *   <li>the gain: mean score at the best alpha minus mean score at alpha 0 (the unedited images);</li>
 *   <li>the share crossing: latents scored below 0.5 at alpha 0 and at least 0.5 at the best alpha, over all K
 *       (an edit that moves scores from 1e-7 to 1e-6 rises, and crosses nothing).</li>
 * </ol>
 *
 * @param bestAlpha        alpha of the highest mean score
 * @param meanAtZero       mean score at alpha 0
 * @param meanAtBest       mean score at the best alpha
 * @param gain             meanAtBest - meanAtZero
 * @param shareCrossing    share of latents below 0.5 at alpha 0 and at least 0.5 at the best alpha
 * @param shareAboveAtZero share of latents already at least 0.5 at alpha 0 (they cannot cross)
 */
public record EditEffect(double bestAlpha, double meanAtZero, double meanAtBest, double gain, double shareCrossing,
                         double shareAboveAtZero) {
    private static final double THRESHOLD = 0.5;

    /**
     * @param alphas the edit strengths, one of them 0
     * @param scores scores[k][a]: latent k's score at alphas[a]
     */
    public static EditEffect of(double[] alphas, double[][] scores) {
        int zero = -1;
        for (int a = 0; a < alphas.length; a++) {
            if (alphas[a] == 0) {
                zero = a;
            }
        }
        if (zero < 0) {
            throw new IllegalArgumentException("the alphas must include 0 (the unedited images) to measure an edit's effect");
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException("no latents to measure");
        }
        double[] mean = new double[alphas.length];
        for (double[] row : scores) {
            if (row.length != alphas.length) {
                throw new IllegalArgumentException("each latent needs one score per alpha (" + alphas.length + "), got " + row.length);
            }
            for (int a = 0; a < alphas.length; a++) {
                mean[a] += row[a] / scores.length;
            }
        }
        int best = 0;
        for (int a = 1; a < alphas.length; a++) {
            if (mean[a] > mean[best]) {
                best = a;
            }
        }
        int crossing = 0;
        int above = 0;
        for (double[] row : scores) {
            if (row[zero] >= THRESHOLD) {
                above++;
            } else if (row[best] >= THRESHOLD) {
                crossing++;
            }
        }
        return new EditEffect(alphas[best], mean[zero], mean[best], mean[best] - mean[zero],
                (double) crossing / scores.length, (double) above / scores.length);
    }
}
