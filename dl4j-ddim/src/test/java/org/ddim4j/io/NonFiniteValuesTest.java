package org.ddim4j.io;

import org.ddim4j.Fixtures;
import org.ddim4j.unet.Parameters;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weights with NaN or infinity are refused by name; a float16 export that would overflow to infinity is refused. */
class NonFiniteValuesTest {
    @Test
    void importedWeightsWithNanOrInfinityAreRefusedByName() {
        UNet net = Fixtures.parityNetwork();
        Map<String, INDArray> dict = new LinkedHashMap<>(net.parameters().toStateDict());
        String name = dict.keySet().iterator().next();
        dict.put(name, dict.get(name).dup().putScalar(0, Float.NaN));
        var e = assertThrows(TensorFormatException.class, () -> Parameters.fromStateDict(net.architecture(), dict, "w.pth"));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("NaN or infinite"), e.getMessage());
    }

    /** Every kind of array Bounds.allFinite meets: whole float and double buffers, f order, views, float16 (whose NaN ND4J's isNaN misses). */
    @Test
    void everyNonFiniteValueIsFoundWhereverItSits() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
            for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                for (int at : new int[]{0, 17, 59}) {
                    INDArray whole = Nd4j.linspace(-3, 3, 60, DataType.DOUBLE).reshape(3, 4, 5).castTo(type);
                    assertTrue(Bounds.allFinite(whole), type + " finite");
                    whole.putScalar(at, bad);
                    assertFalse(Bounds.allFinite(whole), type + " " + bad + " at " + at);
                    INDArray fOrder = whole.dup('f');
                    assertFalse(Bounds.allFinite(fOrder), "f order: " + type + " " + bad + " at " + at);
                }
                INDArray base = Nd4j.linspace(-3, 3, 60, DataType.DOUBLE).reshape(6, 10).castTo(type);
                base.putScalar(0, bad);                                        // outside the view below
                INDArray view = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 6));
                assertTrue(Bounds.allFinite(view), "a view does not see its buffer's other elements: " + type);
                view.putScalar(7, bad);
                assertFalse(Bounds.allFinite(view), "a view's own non-finite value: " + type + " " + bad);
            }
        }
        assertTrue(Bounds.allFinite(Nd4j.createFromArray(1L, Long.MAX_VALUE)), "integers are always finite");
        assertTrue(Bounds.allFinite(Nd4j.create(DataType.FLOAT, 0)), "an empty array");
    }

    @Test
    void aFloat16ExportThatWouldOverflowIsRefusedByName(@TempDir Path dir) throws Exception {
        Map<String, INDArray> tensors = Map.of("big", Nd4j.createFromArray(1f, 70000f), "fine", Nd4j.createFromArray(65504f));
        Path file = dir.resolve("w.safetensors");
        var e = assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, tensors, Map.of(), true));
        assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("float16"), e.getMessage());
        assertFalse(Files.exists(file), "nothing written");
        Safetensors.write(file, Map.of("fine", Nd4j.createFromArray(65504f, -65504f)), Map.of(), true);
        INDArray back = Safetensors.read(file).tensors().get("fine");
        assertTrue(back.castTo(DataType.DOUBLE).amaxNumber().doubleValue() == 65504.0, "the largest float16 survives");
    }

    @Test
    void aBatchNormStateDictWithoutItsCountersLoadsWithZeroCounts() {
        var n = new org.ddim4j.config.NetworkConfig(8, 1, java.util.List.of(1, 2), java.util.List.of(4), 16, 0.0, -1, 0.9, true);
        UNet net = UNet.create(n, java.util.List.of(3, 8, 8), 1);
        Map<String, INDArray> dict = new LinkedHashMap<>(net.parameters().toStateDict());
        assertTrue(dict.keySet().removeIf(k -> k.endsWith(".num_batches_tracked")), "a BatchNorm network has counters");
        Parameters p = Parameters.fromStateDict(net.architecture(), dict, "old-export.pth");   // PyTorch before 0.4.1
        long counters = p.toStateDict().entrySet().stream().filter(e -> e.getKey().endsWith(".num_batches_tracked"))
                .peek(e -> assertTrue(e.getValue().getLong(0) == 0, e.getKey())).count();
        assertTrue(counters > 0);
    }
}
