package org.ddim4j.unet;

import org.ddim4j.Fixtures;
import org.ddim4j.graph.PhasedPlanPool;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.Linearization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The U-Net's linearizations: two-phase plans of its vector-Jacobian product, several alive at once. */
class LinearizationTest {
    @Test
    void forwardPassesKeptForLaterPullbacksGiveTheProductsOfInputGradient() {
        UNet net = Fixtures.parityNetwork();
        int steps = 3;
        List<INDArray> xs = new ArrayList<>();
        List<INDArray> ts = new ArrayList<>();
        List<Linearization> lins = new ArrayList<>();
        for (int i = 0; i < steps; i++) {   // S forward passes, as a sampler's run makes them
            INDArray x = Seeds.gaussian(10 + i, 2, 3, 32, 32);
            INDArray t = Nd4j.createFromArray(900f - 300 * i, 850f - 300 * i);
            xs.add(x);
            ts.add(t);
            Linearization l = net.linearize(x, t);
            lins.add(l);
            // eps: the forward ops of the product's graph are the evaluation graph's, on the same values: bit for bit
            INDArray eps = net.predictNoise(x, t);
            assertArrayEquals(eps.data().asFloat(), l.eps().data().asFloat(), "eps at step " + i);
        }
        for (int i = steps - 1; i >= 0; i--) {   // then the backward pass, in reverse
            INDArray cot = Seeds.gaussian(20 + i, 2, 3, 32, 32);
            INDArray expected = net.inputGradient(xs.get(i), ts.get(i), cot);
            INDArray got = lins.get(i).pullback(cot);
            // the same ops in the same order on the same values: bit for bit
            assertArrayEquals(expected.data().asFloat(), got.data().asFloat(), "pullback at step " + i);
        }
    }

    @Test
    void pastTheBudgetThePoolGivesNothingAndTheNetworkRecomputes() {
        UNet net = Fixtures.parityNetwork();
        INDArray x = Seeds.gaussian(1, 1, 3, 32, 32);
        INDArray t = Nd4j.createFromArray(500f);
        // a pool of one byte cannot keep a plan: every linearization recomputes, with the same results
        PhasedPlanPool tiny = PhasedPlanPool.forGradients(net.vjpGraph(), List.of(UNetGraph.OUTPUT),
                List.of(UNetGraph.INPUT), UNet.COTANGENT, 1);
        assertEquals(null, tiny.checkout(java.util.Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t), () -> Nd4j.zerosLike(x)));
        assertEquals(0, tiny.plans());
        // and it does not compile another to find that out again
        assertEquals(null, tiny.checkout(java.util.Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t), () -> Nd4j.zerosLike(x)));
        assertEquals(1, tiny.compilations(), "a refusal compiles nothing once the plans' size is known");
        PhasedPlanPool roomy = PhasedPlanPool.forGradients(net.vjpGraph(), List.of(UNetGraph.OUTPUT),
                List.of(UNetGraph.INPUT), UNet.COTANGENT, Long.MAX_VALUE);
        var a = roomy.checkout(java.util.Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t), () -> Nd4j.zerosLike(x));
        var b = roomy.checkout(java.util.Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t), () -> Nd4j.zerosLike(x));
        assertEquals(2, roomy.plans(), "two forward passes alive at once: two plans");
        a.release();
        b.secondPhase(Nd4j.onesLike(x));
        roomy.checkout(java.util.Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t), () -> Nd4j.zerosLike(x)).release();
        assertEquals(2, roomy.plans(), "given back plans are reused");
        assertTrue(roomy.bytes() > 0);
    }
}
