package org.ddim4j.metrics;

import org.ddim4j.io.Npz;
import org.ddim4j.random.Seeds;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityMetricsTest {
    private static INDArray gaussian(long seed, int n, int d) {
        return Seeds.gaussian(seed, n, d).castTo(DataType.DOUBLE);
    }

    @Test
    void fidOfASetWithItselfIsZero() {
        INDArray x = gaussian(1, 300, 16);
        assertEquals(0, FrechetDistance.between(x, x), 1e-6);
    }

    /**
     * Columns of a Sylvester-Hadamard matrix (without its all-ones column) are +-1, sum to 0 and are orthogonal: sets
     * built from them have exactly the mean mu and the diagonal covariance diag(sigma^2) asked for, so FID has the
     * closed form |mu_1 - mu_2|^2 + sum_i (sigma_1i - sigma_2i)^2, computed here independently of the code.
     */
    @Test
    void fidOfTwoGaussianSetsWithKnownMomentsMatchesTheClosedForm() {
        int n = 128;
        int d = 12;
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        double[] s1 = new double[d];
        double[] s2 = new double[d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            mu1[i] = 0.1 * i;
            mu2[i] = 1 - 0.05 * i;
            s1[i] = 0.5 + 0.1 * i;
            s2[i] = 2.0 - 0.07 * i;
            expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + (s1[i] - s2[i]) * (s1[i] - s2[i]);
        }
        double fid = FrechetDistance.between(withMoments(n, mu1, s1, 1), withMoments(n, mu2, s2, 20));
        assertEquals(expected, fid, 1e-9 * expected);
    }

    /** n vectors whose sample mean is mu and sample covariance (divided by n - 1) is diag(sigma^2). */
    private static INDArray withMoments(int n, double[] mu, double[] sigma, int firstColumn) {
        double[][] x = new double[n][mu.length];
        double scale = Math.sqrt((n - 1) / (double) n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < mu.length; c++) {
                int sign = Integer.bitCount(r & (firstColumn + c)) % 2 == 0 ? 1 : -1;   // Hadamard entry H[r][col]
                x[r][c] = mu[c] + sigma[c] * scale * sign;
            }
        }
        return Nd4j.create(x);
    }

    @Test
    void fidAndKidEqualNumpyAndScipysOnTheFixture() throws Exception {
        Map<String, INDArray> f = Npz.read(Path.of(getClass().getResource("/metrics/fixture.npz").toURI()));
        // both in double: the eigendecomposition route and scipy's sqrtm agree far below this
        double fid = FrechetDistance.between(f.get("a"), f.get("b"));
        assertEquals(f.get("fid").getDouble(0), fid, 1e-8 * Math.abs(fid));
        double mmd2 = KernelInceptionDistance.unbiasedMmd2(f.get("a"), f.get("b"));
        assertEquals(f.get("mmd2").getDouble(0), mmd2, 1e-10 * Math.abs(mmd2));
        // one subset of all 200 vectors is the whole sets, whatever the draw
        var kid = KernelInceptionDistance.between(f.get("a"), f.get("b"), 3, 1000, 7);
        assertEquals(200, kid.subsetSize());
        assertEquals(f.get("mmd2").getDouble(0), kid.mean(), 1e-10 * Math.abs(mmd2));
        assertEquals(0, kid.std(), 1e-10 * Math.abs(mmd2));
    }

    @Test
    void kidOfTwoSamplesOfOneDistributionIsZeroWithinItsStdAndOfTwoDistributionsIsNot() {
        INDArray x = gaussian(3, 600, 16);
        INDArray y = gaussian(4, 600, 16);
        var same = KernelInceptionDistance.between(x, y, 100, 200, 0);
        assertTrue(Math.abs(same.mean()) <= same.std(), same.toString());
        var shifted = KernelInceptionDistance.between(x, y.add(0.5), 100, 200, 0);
        assertTrue(shifted.mean() > 10 * shifted.std(), shifted.toString());
        assertEquals(same, KernelInceptionDistance.between(x, y, 100, 200, 0), "a function of the seed");
    }

    @Test
    void kidBetweenHalvesOfOneSetIsZeroWithinItsSpreadAndSeesAMixture() {
        // unbiased: the mean over splits is near 0 (the biased V-statistic would sit near 2 E k(x, x) / m, many stds up)
        INDArray x = gaussian(5, 160, 16);
        var halves = KernelInceptionDistance.betweenHalves(x, 100, 0);
        assertEquals(80, halves.subsetSize());
        assertTrue(Math.abs(halves.mean()) <= halves.std(), halves.toString());
        assertEquals(halves, KernelInceptionDistance.betweenHalves(x, 100, 0), "a function of the seed");
        // the same 160 vectors, half of them shifted: random halves hold both kinds alike, so still about 0, but
        // each split's value now varies more than between halves of one Gaussian
        INDArray mixed = Nd4j.concat(0, x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 80)),
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(80, 160)).add(1.0));
        var mixedHalves = KernelInceptionDistance.betweenHalves(mixed, 100, 0);
        assertTrue(Math.abs(mixedHalves.mean()) <= mixedHalves.std(), mixedHalves.toString());
        assertTrue(mixedHalves.std() > halves.std(), mixedHalves + " vs " + halves);
        assertThrows(IllegalArgumentException.class, () -> KernelInceptionDistance.betweenHalves(gaussian(1, 3, 4), 10, 0));
    }

    @Test
    void precisionAndRecallOnManifoldsWithAKnownAnswer() {
        INDArray clusterA = gaussian(5, 100, 8);
        INDArray clusterB = gaussian(6, 100, 8).add(100);
        INDArray real = Nd4j.concat(0, clusterA, clusterB);
        // samples = every real image plus as many far from all data: half the samples look real, all data covered
        INDArray halfJunk = Nd4j.concat(0, real, gaussian(7, 200, 8).add(-100));
        PrecisionRecall pr = PrecisionRecall.between(real, halfJunk);
        assertEquals(0.5, pr.precision(), 1e-12);
        assertEquals(1.0, pr.recall(), 1e-12);
        // samples = cluster A only (mode dropping): all look real, half the data is covered
        PrecisionRecall dropped = PrecisionRecall.between(real, clusterA);
        assertEquals(1.0, dropped.precision(), 1e-12);
        assertEquals(0.5, dropped.recall(), 1e-12);
    }

    @Test
    void copiesOfTrainingImagesAreMemorisedAndNewImagesAreNot() {
        // training images on a grid of spacing 1 (each one's nearest other image at distance 1)
        double[][] grid = new double[64][2];
        for (int i = 0; i < 64; i++) {
            grid[i][0] = i % 8;
            grid[i][1] = i / 8;
        }
        INDArray training = Nd4j.create(grid);
        Memorisation copies = Memorisation.of(training.getRows(3, 10, 40), training);
        assertEquals(1.0, copies.share());
        assertEquals(10, copies.nearest()[1]);
        // new images: further from their nearest training image than that image is from its nearest neighbour (1)
        INDArray far = Nd4j.create(new double[][]{{20, 20}, {-5, 3}, {3.5, -4}});
        Memorisation none = Memorisation.of(far, training);
        assertEquals(0.0, none.share());
        assertEquals(63, none.nearest()[0]);
        assertEquals(Math.sqrt(13 * 13 * 2), none.distance()[0], 1e-9);
        assertEquals(1.0, none.trainingGap()[0], 1e-9);
    }

    @Test
    void theSpreadOverNearestTrainingImagesCountsHowEvenlyTheyAreVisited() {
        // samples nearest to images 5, 5, 7 and 9: visits 2, 1, 1, so shares 1/2, 1/4, 1/4 and
        // entropy = ln 2 / 2 + 2 ln 4 / 4 = 1.5 ln 2, effective number 2^1.5
        Memorisation uneven = new Memorisation(0, new int[]{5, 7, 5, 9}, new double[4], new double[4]);
        assertEquals(Math.pow(2, 1.5), uneven.effectiveImages(), 1e-12);
        assertEquals(0.5, uneven.topShare(1), 1e-12);
        assertEquals(0.75, uneven.topShare(2), 1e-12);
        assertEquals(1.0, uneven.topShare(10), 1e-12);
        // every sample on its own image: as many effective images as samples; all on one: one
        assertEquals(4.0, new Memorisation(0, new int[]{0, 1, 2, 3}, new double[4], new double[4]).effectiveImages(), 1e-12);
        assertEquals(1.0, new Memorisation(0, new int[]{3, 3, 3}, new double[3], new double[3]).effectiveImages(), 1e-12);
    }

    @Test
    void fewerSamplesThanFeaturesGiveKidButNoFidAndSayWhy() {
        QualityReport r = QualityMetrics.compute(gaussian(8, 10, 32), gaussian(9, 50, 32), null, "test", false, 0);
        assertNull(r.fid());
        assertTrue(r.notes().get(0).contains("at least 33"), r.notes().toString());
        assertTrue(Double.isFinite(r.kid().mean()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.between(gaussian(8, 10, 32), gaussian(9, 50, 32)));
        assertTrue(e.getMessage().contains("at least 33"), e.getMessage());
    }

    @Test
    void featureSetsOfDifferentWidthsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> QualityMetrics.compute(gaussian(8, 100, 32), gaussian(9, 100, 16), null, "test", false, 0));
        assertTrue(e.getMessage().contains("different widths: 32 and 16"), e.getMessage());
    }

    @Test
    void halvingBilinearlyIsTwoByTwoAveraging() {
        INDArray x = Seeds.gaussian(10, 2, 3, 8, 8);
        INDArray half = BilinearResize.resize(x, 4, 4);
        for (int y = 0; y < 4; y++) {
            for (int xx = 0; xx < 4; xx++) {
                double mean = (x.getDouble(1, 2, 2 * y, 2 * xx) + x.getDouble(1, 2, 2 * y + 1, 2 * xx)
                        + x.getDouble(1, 2, 2 * y, 2 * xx + 1) + x.getDouble(1, 2, 2 * y + 1, 2 * xx + 1)) / 4;
                assertEquals(mean, half.getDouble(1, 2, y, xx), 1e-6);
            }
        }
    }
}
