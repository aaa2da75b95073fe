package org.ddim4j.io;

import org.ddim4j.Fixtures;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch's .pth files: real ones written by PyTorch 1.13 (see torch/make_fixture.py) and ones written here. */
class TorchCheckpointTest {
    private static Path resource(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSameValues(INDArray expected, INDArray actual, String name) {
        assertArrayEquals(expected.shape(), actual.shape(), name);
        assertArrayEquals(expected.castTo(DataType.DOUBLE).data().asDouble(), actual.castTo(DataType.DOUBLE).data().asDouble(),
                0.0, name);
    }

    @Test
    void readsEveryTensorOfARealPyTorchCheckpoint() {
        Map<String, INDArray> expected = Npz.read(resource("torch_checkpoint_expected.npz"));
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) TorchCheckpoint.read(resource("torch_checkpoint.pth"));
        assertEquals(List.of("model", "ema", "step", "lr", "name", "betas", "optimizer"), List.copyOf(root.keySet()));
        assertEquals(1000L, root.get("step"));
        assertEquals(0.001, root.get("lr"));
        assertEquals("seed", root.get("name"));
        assertEquals(List.of(0.9, 0.999), root.get("betas"));
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            String[] parts = e.getKey().split("/", 2);
            Object tensor = ((Map<?, ?>) root.get(parts[0])).get(parts[1]);
            INDArray actual = assertInstanceOf(INDArray.class, tensor, e.getKey());
            // non-contiguous (transposed), offset and strided views, float16, float64, 0-d and int64 tensors
            assertSameValues(e.getValue(), actual, e.getKey());
        }
        INDArray steps = (INDArray) ((Map<?, ?>) root.get("ema")).get("steps");
        assertEquals(DataType.LONG, steps.dataType());
        assertEquals(123456789012L, steps.getLong());
    }

    @Test
    void stateDictPrefersEmaAndStripsDataParallelPrefix() {
        Map<String, INDArray> ema = TorchCheckpoint.stateDict(resource("torch_checkpoint.pth"), null);
        assertEquals(List.of("transposed", "sliced", "half", "double", "scalar", "steps"), List.copyOf(ema.keySet()));
        Map<String, INDArray> model = TorchCheckpoint.stateDict(resource("torch_checkpoint.pth"), "model");
        assertTrue(model.containsKey("conv.weight") && model.containsKey("bn.num_batches_tracked"), model.keySet().toString());
        var e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.stateDict(resource("torch_checkpoint.pth"), "nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("ema"), e.getMessage());
    }

    @Test
    void refusesAPickleThatCallsAnythingElse() {
        var e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(resource("evil.pth")));
        assertTrue(e.getMessage().contains("refused") && e.getMessage().contains("posix.system"), e.getMessage());
    }

    @Test
    void refusesHandMadeHostilePickles(@TempDir Path dir) throws IOException {
        // builtins.eval via protocol 4's STACK_GLOBAL
        byte[] stackGlobal = {(byte) 0x80, 4, (byte) 0x8c, 8, 'b', 'u', 'i', 'l', 't', 'i', 'n', 's', (byte) 0x8c, 4,
                'e', 'v', 'a', 'l', (byte) 0x93, (byte) 0x8c, 1, '1', (byte) 0x85, 'R', '.'};
        TorchZipWriter.writeRaw(dir.resolve("eval.pth"), "eval", stackGlobal);
        var e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(dir.resolve("eval.pth")));
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
        // INST and OBJ build arbitrary objects: not part of the accepted subset
        TorchZipWriter.writeRaw(dir.resolve("inst.pth"), "inst", "(ios\nsystem\n.".getBytes());
        e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(dir.resolve("inst.pth")));
        assertTrue(e.getMessage().contains("opcode 0x69"), e.getMessage());
        // truncated pickle
        TorchZipWriter.writeRaw(dir.resolve("cut.pth"), "cut", new byte[]{(byte) 0x80, 2, 'X', 100, 0, 0, 0, 'a'});
        e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(dir.resolve("cut.pth")));
        assertTrue(e.getMessage().contains("cut.pth"), e.getMessage());
    }

    @Test
    void writerReproducesTorchSaveBytes(@TempDir Path dir) throws IOException {
        Map<String, INDArray> sd = new LinkedHashMap<>();
        sd.put("a", Nd4j.zeros(DataType.FLOAT, 2, 3));
        sd.put("b", Nd4j.arange(300).castTo(DataType.FLOAT));
        Path ours = dir.resolve("ordered.pth");
        TorchZipWriter.write(ours, "ordered", sd);
        assertArrayEquals(entry(resource("ordered.pth"), "ordered/data.pkl"), entry(ours, "ordered/data.pkl"));
        assertArrayEquals(entry(resource("ordered.pth"), "ordered/data/1"), entry(ours, "ordered/data/1"));
    }

    private static byte[] entry(Path zipFile, String name) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    @Test
    void pthOfTheParityNetworkLoadsToTheSameTensorsAsItsSafetensorsTwin(@TempDir Path dir) throws IOException {
        DdimConfig config = Fixtures.parityConfig();
        Map<String, INDArray> reference = Safetensors.read(Fixtures.parityFile("small_unet.safetensors")).tensors();
        Path pth = dir.resolve("small_unet.pth");
        TorchZipWriter.write(pth, "small_unet", reference);
        assertTrue(TorchCheckpoint.isTorchCheckpoint(pth));
        assertFalse(TorchCheckpoint.isTorchCheckpoint(Fixtures.parityFile("small_unet.safetensors")));
        Map<String, INDArray> read = TorchCheckpoint.stateDict(pth, null);
        assertEquals(List.copyOf(reference.keySet()), List.copyOf(read.keySet()));
        for (String k : reference.keySet()) {
            assertSameValues(reference.get(k), read.get(k), k);
        }
        DdimModel fromPth = WeightsLoader.load(pth, config);
        DdimModel fromSafetensors = WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), config);
        Map<String, INDArray> a = fromPth.network().parameters().toStateDict();
        Map<String, INDArray> b = fromSafetensors.network().parameters().toStateDict();
        for (String k : b.keySet()) {
            assertSameValues(b.get(k), a.get(k), k);
        }
    }

    @Test
    void missingAndForeignFilesNameTheProblem(@TempDir Path dir) throws IOException {
        var e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(dir.resolve("none.pth")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("none.pth"), e.getMessage());
        Path legacy = dir.resolve("legacy.pth");
        Files.write(legacy, new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10});   // pre-1.6 files start with a pickle
        e = assertThrows(TensorFormatException.class, () -> TorchCheckpoint.read(legacy));
        assertTrue(e.getMessage().contains("zip format"), e.getMessage());
    }
}
