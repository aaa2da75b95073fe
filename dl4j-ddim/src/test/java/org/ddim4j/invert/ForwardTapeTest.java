package org.ddim4j.invert;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ForwardTapeTest {
    @Test
    void aTapedRunGivesTheSameGradientWithEveryForwardPassPulledBack() {
        UNet net = Fixtures.parityNetwork();
        DdimSampler sampler = new org.ddim4j.model.DdimModel(Fixtures.parityConfig(), net).sampler(4, TimestepSpacing.UNIFORM, 0.0);
        INDArray z = Seeds.gaussian(3, 2, 3, 32, 32);
        INDArray g = Seeds.gaussian(4, 2, 3, 32, 32);
        SampleResult plain = sampler.run(net, z, true);
        INDArray expected = sampler.inputGradient(net, plain, g);
        ForwardTape tape = new ForwardTape(net);
        SampleResult taped = sampler.run(tape, z, true);
        assertEquals(4, tape.pending(), "one point a step");
        assertArrayEquals(plain.sample().data().asFloat(), taped.sample().data().asFloat());
        INDArray got = sampler.inputGradient(tape, taped, g);
        assertEquals(0, tape.pending(), "every pullback came from the tape");
        assertArrayEquals(expected.data().asFloat(), got.data().asFloat());
        // a point not on the tape is recomputed
        INDArray t700 = org.nd4j.linalg.factory.Nd4j.createFromArray(700f, 700f);
        assertArrayEquals(net.inputGradient(z, t700, g).data().asFloat(), tape.inputGradient(z, t700, g).data().asFloat());
        tape.clear();
    }
}
