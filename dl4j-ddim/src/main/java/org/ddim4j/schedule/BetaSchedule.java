package org.ddim4j.schedule;

import java.util.Locale;

/** How the noise variances beta_1..beta_T grow over the T diffusion steps. */
public enum BetaSchedule {
    /** beta_t evenly spaced from beta_start to beta_end (DDPM, and the seed). */
    LINEAR,
    /** sqrt(beta_t) evenly spaced from sqrt(beta_start) to sqrt(beta_end) (DDPM's "quad"). */
    QUADRATIC,
    /**
     * Nichol and Dhariwal (2021), Eq. 17: alpha_bar(t) = cos^2(((t/T + s) / (1 + s)) pi/2) with s = 0.008,
     * beta_t = min(1 - alpha_bar(t)/alpha_bar(t-1), 0.999); beta_start and beta_end are not used.
     */
    COSINE;

    public static BetaSchedule fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown beta schedule '" + name + "'; expected linear, quadratic or cosine");
        }
    }

    /** The T betas, computed in double precision (as the seed's numpy code does). */
    double[] betas(double betaStart, double betaEnd, int numT) {
        double[] betas = new double[numT];
        switch (this) {
            case LINEAR -> {
                double[] lin = linspace(betaStart, betaEnd, numT);
                System.arraycopy(lin, 0, betas, 0, numT);
            }
            case QUADRATIC -> {
                double[] lin = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), numT);
                for (int i = 0; i < numT; i++) {
                    betas[i] = lin[i] * lin[i];
                }
            }
            case COSINE -> {
                for (int i = 0; i < numT; i++) {
                    double a0 = cosineAlphaBar((double) i / numT);
                    double a1 = cosineAlphaBar((double) (i + 1) / numT);
                    betas[i] = Math.min(1 - a1 / a0, 0.999);
                }
            }
            default -> throw new IllegalStateException(this.name());
        }
        return betas;
    }

    private static double cosineAlphaBar(double fraction) {
        double s = 0.008;
        double c = Math.cos((fraction + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    /** numpy.linspace: start + i * step, the last value exactly stop. */
    public static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = start + i * step;
        }
        out[num - 1] = stop;
        return out;
    }

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
