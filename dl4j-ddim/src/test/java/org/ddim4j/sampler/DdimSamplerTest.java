package org.ddim4j.sampler;

import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.NoiseSchedule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler with small closed-form models instead of a network. */
class DdimSamplerTest {
    private final NoiseSchedule schedule = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
    /** A smooth non-linear stand-in for a network. */
    private final NoisePredictor model = (x, t) -> org.nd4j.linalg.ops.transforms.Transforms.tanh(x.mul(0.5));

    @Test
    void spacingsVisitTheDocumentedTimesteps() {
        assertArrayEquals(new int[]{0, 100, 200, 300, 400, 500, 600, 700, 800, 900},
                TimestepSpacing.UNIFORM.timesteps(1000, 10));
        assertArrayEquals(new int[]{0, 9, 39, 88, 158, 246, 355, 483, 632, 800},
                TimestepSpacing.QUADRATIC.timesteps(1000, 10));
        assertArrayEquals(new int[]{0, 111, 222, 333, 444, 555, 666, 777, 888, 999},
                TimestepSpacing.LINSPACE.timesteps(1000, 10));
        assertArrayEquals(new int[]{99, 199, 299, 399, 499, 599, 699, 799, 899, 999},
                TimestepSpacing.TRAILING.timesteps(1000, 10));
        // the seed's uniform spacing gives more steps when S does not divide T
        assertEquals(31, TimestepSpacing.UNIFORM.timesteps(1000, 30).length);
    }

    @Test
    void etaZeroIsBitForBitRepeatable() {
        DdimSampler sampler = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 20, 0.0, false);
        INDArray z = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(7), 2, 3, 8, 8).castTo(DataType.FLOAT);
        INDArray a = sampler.sample(model, z, null);
        INDArray b = sampler.sample(model, z, null);
        assertArrayEquals(a.data().asFloat(), b.data().asFloat());
    }

    @Test
    void etaAboveZeroGivesFiniteSamplesAndDependsOnTheSeed() {
        for (double eta : new double[]{0.5, 1.0}) {
            DdimSampler sampler = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 50, eta, false);
            INDArray z = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(1), 2, 3, 8, 8).castTo(DataType.FLOAT);
            INDArray a = sampler.sample(model, z, Nd4j.getRandomFactory().getNewRandomInstance(3));
            INDArray same = sampler.sample(model, z, Nd4j.getRandomFactory().getNewRandomInstance(3));
            INDArray other = sampler.sample(model, z, Nd4j.getRandomFactory().getNewRandomInstance(4));
            assertFalse(a.isNaN().any() || a.isInfinite().any(), "eta " + eta + " gave non-finite values");
            assertArrayEquals(a.data().asFloat(), same.data().asFloat());
            assertTrue(a.sub(other).amaxNumber().doubleValue() > 1e-3);
        }
    }

    @Test
    void etaOneFollowsTheDdpmPosteriorVariance() {
        // Eq. 16 with eta = 1 equals DDPM's posterior std: sqrt(beta_tilde) for consecutive steps
        DdimSampler sampler = new DdimSampler(schedule, new int[]{499, 500}, 1.0, false);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 64, 64);
        NoisePredictor zero = (in, t) -> Nd4j.zerosLike(in);
        INDArray noise = Nd4j.ones(DataType.FLOAT, 1, 1, 64, 64);
        INDArray next = sampler.step(zero, x, 500, 499, noise).xNext();
        double at = schedule.alphaBar(500);
        double an = schedule.alphaBar(499);
        double betaTilde = (1 - an) / (1 - at) * schedule.beta(500);
        assertEquals(Math.sqrt(betaTilde), next.getDouble(0), 1e-6);
    }

    @Test
    void clippingKeepsPredictedX0InRange() {
        DdimSampler sampler = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 10, 0.0, true);
        INDArray z = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(2), 1, 3, 8, 8).castTo(DataType.FLOAT).muli(5);
        SampleResult r = sampler.run((x, t) -> Nd4j.zerosLike(x), z, null, true);
        for (INDArray x0 : r.x0Predictions()) {
            assertTrue(x0.amaxNumber().doubleValue() <= 1.0 + 1e-7);
        }
        assertEquals(11, r.xs().size());
    }

    @Test
    void gradientThroughTheSamplerMatchesFiniteDifferences() {
        DifferentiableNoisePredictor diff = new DifferentiableNoisePredictor() {
            @Override
            public INDArray predictNoise(INDArray x, INDArray t) {
                return org.nd4j.linalg.ops.transforms.Transforms.tanh(x.mul(0.5));
            }

            @Override
            public INDArray inputGradient(INDArray x, INDArray t, INDArray cot) {
                INDArray th = org.nd4j.linalg.ops.transforms.Transforms.tanh(x.mul(0.5));
                return cot.mul(th.mul(th).rsubi(1).muli(0.5));
            }
        };
        DdimSampler sampler = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 5, 0.0, false);
        INDArray z = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), 1, 1, 2, 2).castTo(DataType.DOUBLE);
        SampleResult run = sampler.run(diff, z.castTo(DataType.FLOAT), null, true);
        INDArray g = sampler.inputGradient(diff, run, Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2));
        double h = 1e-2;
        for (int i = 0; i < 4; i++) {
            INDArray zp = z.dup();
            zp.putScalar(i, z.getDouble(i) + h);
            INDArray zm = z.dup();
            zm.putScalar(i, z.getDouble(i) - h);
            double fd = (sampler.sample(diff, zp.castTo(DataType.FLOAT), null).sumNumber().doubleValue()
                    - sampler.sample(diff, zm.castTo(DataType.FLOAT), null).sumNumber().doubleValue()) / (2 * h);
            assertEquals(fd, g.getDouble(i), 1e-2 * Math.max(1, Math.abs(fd)));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(schedule, TimestepSpacing.UNIFORM, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(schedule, TimestepSpacing.UNIFORM, 10, -1, false));
        DdimSampler stochastic = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 10, 1.0, false);
        assertThrows(IllegalArgumentException.class,
                () -> stochastic.sample(model, Nd4j.zeros(DataType.FLOAT, 1, 3, 4, 4), null));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.fromName("cubic"));
    }
}
