package org.ddim4j.model;

import org.ddim4j.Fixtures;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.Npz;
import org.ddim4j.io.Safetensors;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.unet.UNet;
import org.ddim4j.unet.WeightMismatchException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsRoundTripTest {
    private static DdimConfig config;
    private static Map<String, INDArray> reference;

    @BeforeAll
    static void load() {
        config = Fixtures.parityConfig();
        reference = Safetensors.read(Fixtures.parityFile("small_unet.safetensors")).tensors();
    }

    private static void assertBitEqual(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).shape(), b.get(k).shape(), k);
            assertArrayEquals(a.get(k).castTo(DataType.DOUBLE).data().asDouble(),
                    b.get(k).castTo(DataType.DOUBLE).data().asDouble(), 0.0, k);
        }
    }

    @Test
    void safetensorsExportReproducesTheImportedFileBitForBit(@TempDir Path dir) throws IOException {
        DdimModel model = WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), config);
        Path out = dir.resolve("exported.safetensors");
        WeightsLoader.exportSafetensors(model, out);
        Safetensors.Contents back = Safetensors.read(out);
        assertBitEqual(reference, back.tensors());
        assertEquals(config, org.ddim4j.config.ConfigLoader.parse(back.metadata().get("ddim4j_config"), "metadata"));
    }

    @Test
    void modelFileRoundTripsBitForBitAndPredictsTheSame(@TempDir Path dir) throws IOException {
        DdimModel model = WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), config);
        Path file = dir.resolve("model.ddim");
        ModelFile.save(model, file);
        DdimModel back = WeightsLoader.load(file, null);
        assertEquals(model.config(), back.config());
        assertBitEqual(model.network().parameters().toStateDict(), back.network().parameters().toStateDict());
        Map<String, INDArray> fwd = Fixtures.npz("forward.npz");
        INDArray a = model.network().predictNoise(fwd.get("x"), fwd.get("t"));
        INDArray b = back.network().predictNoise(fwd.get("x"), fwd.get("t"));
        assertArrayEquals(a.data().asFloat(), b.data().asFloat());
    }

    @Test
    void aConfigGivenWithAModelFileSetsItsSamplingAndMustMatchWhatTheWeightsLearnt(@TempDir Path dir) throws IOException {
        // a config given with a model file was ignored but for its network: `export --config` with clip_x0 wrote the
        // file's own config back (found measuring issue 28's clamped sampling)
        Path file = dir.resolve("model.ddim");
        ModelFile.save(WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), config), file);
        var d = config.diffusion();
        var sampling = new org.ddim4j.config.DiffusionConfig(d.betaSchedule(), d.betaStart(), d.betaEnd(), d.numT(),
                d.numTSteps() + 3, 0.5, d.skipType(), !d.clipX0(), d.sampler(), d.prediction());
        DdimModel given = WeightsLoader.load(file, config.withDiffusion(sampling));
        assertEquals(sampling, given.config().diffusion());
        assertEquals(d, WeightsLoader.load(file, null).config().diffusion());
        var otherSchedule = new org.ddim4j.config.DiffusionConfig(d.betaSchedule(), d.betaStart(), d.betaEnd() * 2,
                d.numT(), d.numTSteps(), d.eta(), d.skipType(), d.clipX0(), d.sampler(), d.prediction());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightsLoader.load(file, config.withDiffusion(otherSchedule)));
        assertTrue(e.getMessage().contains("diffusion.beta_end"), e.getMessage());
    }

    @Test
    void batchNormNetworksRoundTripWithTheirRunningStatistics(@TempDir Path dir) throws IOException {
        DdimConfig cifar = org.ddim4j.config.ConfigLoader.preset("cifar10");
        UNet net = UNet.create(cifar.network(), cifar.data().shape(), 3);
        net.parameters().get("in_conv.bias").addi(0.5);
        net.parameters().arrays().forEach((k, v) -> {
            if (k.endsWith("running_var")) {
                v.assign(Nd4j.rand(DataType.FLOAT, v.shape()).addi(0.5));
            }
        });
        DdimModel model = new DdimModel(cifar, net);
        Path file = dir.resolve("bn.ddim");
        ModelFile.save(model, file);
        assertBitEqual(net.parameters().toStateDict(), ModelFile.load(file).network().parameters().toStateDict());
        Path st = dir.resolve("bn.safetensors");
        WeightsLoader.exportSafetensors(model, st);
        Map<String, INDArray> sd = Safetensors.read(st).tensors();
        assertEquals(DataType.LONG, sd.get("out_norm.num_batches_tracked").dataType());
        assertBitEqual(net.parameters().toStateDict(), WeightsLoader.load(st, cifar).network().parameters().toStateDict());
    }

    @Test
    void weightsWithMissingExtraOrMisshapedTensorsAreRefusedWithTheirNames() {
        Map<String, INDArray> bad = new LinkedHashMap<>(reference);
        bad.remove("in_conv.bias");
        bad.remove("out_conv.weight");
        bad.put("extra.weight", Nd4j.zeros(DataType.FLOAT, 2));
        bad.put("mid_layers.attention.Q.weight", Nd4j.zeros(DataType.FLOAT, 64, 64));
        WeightMismatchException e = assertThrows(WeightMismatchException.class,
                () -> UNet.fromStateDict(config.network(), config.data().shape(), bad, "bad.safetensors"));
        assertEquals(List.of("in_conv.bias", "out_conv.weight"), e.missing());
        assertEquals(List.of("extra.weight"), e.unexpected());
        assertEquals(1, e.misshaped().size());
        assertTrue(e.getMessage().contains("mid_layers.attention.Q.weight [64, 64] (expected [64, 64, 1, 1])"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.safetensors"), e.getMessage());
    }

    @Test
    void weightsOfAnotherConfigAreRefused() {
        DdimConfig other = config.withNetwork(config.network().withHiddenChannels(64));
        assertThrows(WeightMismatchException.class, () -> WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), other));
    }

    @Test
    void truncatedOrForeignFilesAreRefusedClearly(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.parityFile("small_unet.safetensors"));
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Safetensors.read(truncated));
        assertTrue(e.getMessage().contains("truncated.safetensors") && e.getMessage().contains("does not fit"), e.getMessage());

        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "this is not a tensor file at all");
        assertThrows(TensorFormatException.class, () -> Safetensors.read(garbage));

        Path foreignZip = dir.resolve("foreign.ddim");
        Npz.write(foreignZip, Map.of("a", Nd4j.zeros(DataType.FLOAT, 2)));
        TensorFormatException f = assertThrows(TensorFormatException.class, () -> ModelFile.load(foreignZip));
        assertTrue(f.getMessage().contains("not a ddim4j model file"), f.getMessage());

        Path model = dir.resolve("model.ddim");
        ModelFile.save(WeightsLoader.load(Fixtures.parityFile("small_unet.safetensors"), config), model);
        byte[] bytes = Files.readAllBytes(model);
        Path cut = dir.resolve("cut.ddim");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        assertThrows(TensorFormatException.class, () -> ModelFile.load(cut));

        assertThrows(TensorFormatException.class, () -> WeightsLoader.load(dir.resolve("absent.ddim"), config));
    }

    @Test
    void npzRoundTripsEveryWrittenType(@TempDir Path dir) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("f", Nd4j.rand(DataType.FLOAT, 2, 3, 4));
        arrays.put("d", Nd4j.rand(DataType.DOUBLE, 5));
        arrays.put("l", Nd4j.createFromArray(new long[]{-1, 2, 3}));
        arrays.put("i", Nd4j.createFromArray(new int[]{7, 8}).reshape(1, 2));
        arrays.put("s", Nd4j.scalar(DataType.FLOAT, 2.5f));
        Path file = dir.resolve("a.npz");
        Npz.write(file, arrays);
        assertBitEqual(arrays, Npz.read(file));
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Npz.readArray(file, "zz"));
        assertTrue(e.getMessage().contains("'zz'") && e.getMessage().contains("[f, d, l, i, s]"), e.getMessage());
    }
}
