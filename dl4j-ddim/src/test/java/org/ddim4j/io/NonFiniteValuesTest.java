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
