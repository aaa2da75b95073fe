package org.ddim4j.graph;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpProfile counts each op a plan runs, once per run, only while started; its times add up to at most the runs'. */
class OpProfileTest {
    @Test
    void countsEveryOpOfEachRunWhileStartedAndNothingElse() {
        UNet net = Fixtures.parityNetwork();
        INDArray x = Seeds.gaussian(1, 2, 3, 32, 32);
        INDArray t = Nd4j.createFromArray(10f, 700f);
        net.predictNoise(x, t);                                   // compiles: not profiled
        assertTrue(OpProfile.stop().isEmpty(), "nothing recorded before start");
        OpProfile.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            net.predictNoise(x, t);
        }
        long wall = System.nanoTime() - t0;
        List<OpProfile.Entry> profile = OpProfile.stop();
        long calls = profile.stream().mapToLong(OpProfile.Entry::calls).sum();
        long nanos = profile.stream().mapToLong(OpProfile.Entry::nanos).sum();
        // the network's evaluation plan, run three times: its op count three times over
        GraphPlan plan = GraphPlan.compile(net.evalGraph(), java.util.Map.of(org.ddim4j.unet.UNetGraph.INPUT, x,
                org.ddim4j.unet.UNetGraph.TIMESTEP, t), List.of(org.ddim4j.unet.UNetGraph.OUTPUT));
        assertEquals(3L * plan.opCount(), calls, profile.toString());
        assertTrue(profile.stream().anyMatch(e -> e.op().equals("conv2d") && e.calls() % 3 == 0), profile.toString());
        assertTrue(nanos > 0 && nanos <= wall, nanos + " ns of ops in " + wall + " ns");
        for (int i = 1; i < profile.size(); i++) {
            assertTrue(profile.get(i - 1).nanos() >= profile.get(i).nanos(), "most time first");
        }
        net.predictNoise(x, t);
        assertTrue(OpProfile.stop().isEmpty(), "nothing recorded after stop");
        String table = OpProfile.table(profile, 3, 5);
        assertEquals(5 + 2, table.lines().count(), table);
        assertTrue(table.contains(profile.get(0).op()), table);
    }
}
