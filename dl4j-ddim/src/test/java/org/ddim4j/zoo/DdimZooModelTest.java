package org.ddim4j.zoo;

import org.ddim4j.Fixtures;
import org.ddim4j.model.DdimModel;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdimZooModelTest {
    @TempDir
    static Path cache;

    @BeforeAll
    static void useTemporaryResourceCache() {
        DL4JResources.setBaseDirectory(cache.toFile());
    }

    @AfterAll
    static void restoreResourceCache() {
        DL4JResources.resetBaseDirectoryLocation();
    }

    private static DdimZooModel parityModel(long checksum) {
        return DdimZooModel.of("celeba_small").withConfig(Fixtures.parityConfig())
                .withPretrained(Fixtures.parityFile("small_unet.safetensors").toString(), checksum);
    }

    @Test
    void pretrainedComputationGraphPredictsLikeThePyTorchReference() throws IOException {
        Path weights = Fixtures.parityFile("small_unet.safetensors");
        DdimZooModel zoo = parityModel(DdimZooModel.adler32(weights));
        ComputationGraph graph = zoo.initPretrained();
        Map<String, INDArray> ref = Fixtures.npz("forward.npz");
        INDArray t = ref.get("t").castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(-1, 1);
        INDArray eps = graph.outputSingle(ref.get("x"), t);
        double diff = Fixtures.maxAbsDiff(eps, ref.get("eps"));
        assertTrue(diff < 1e-5, "max diff " + diff);
        // the weights were copied into DL4J's resource cache, under the model's name
        assertTrue(Files.isRegularFile(cache.resolve("models").resolve(zoo.modelName()).resolve("small_unet.safetensors")),
                "cached under " + cache);
        DdimModel model = zoo.initPretrainedModel();
        assertTrue(Fixtures.maxAbsDiff(model.network().predictNoise(ref.get("x"), ref.get("t")), ref.get("eps")) < 1e-5);
    }

    @Test
    void checksumMismatchDeletesTheDownloadAndSaysSo() {
        DdimZooModel zoo = parityModel(12345L);
        var e = assertThrows(DdimZooModel.ChecksumMismatchException.class, zoo::initPretrained);
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("12345")
                && e.getMessage().contains("deleted"), e.getMessage());
        Path dir = cache.resolve("models").resolve(zoo.modelName());
        assertFalse(Files.exists(dir.resolve("small_unet.safetensors")));
    }

    @Test
    void initBuildsTheUNetAsAComputationGraph() {
        DdimZooModel zoo = DdimZooModel.of("celeba_small");
        ComputationGraph graph = zoo.init();
        long expected = org.ddim4j.unet.UNetArchitecture.of(zoo.config()).params().stream()
                .filter(p -> p.kind() != org.ddim4j.unet.ParamKind.COUNTER).mapToLong(org.ddim4j.unet.ParamSpec::size).sum();
        assertEquals(expected, graph.params().length());   // numParams() counts layers only, not vertices
        assertEquals("ddim-celeba_small", zoo.modelName());
        var e = assertThrows(IllegalStateException.class, zoo::initPretrainedModel);
        assertTrue(e.getMessage().contains("withPretrained"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DdimZooModel.of("mnist"));
    }

    @Test
    void theShippedEmojiWeightsLoadAndMatchTheirChecksum() throws IOException {
        DdimZooModel zoo = DdimZooModel.of("emoji");
        DdimModel model = zoo.initPretrainedModel();
        assertEquals(zoo.config().network(), model.config().network());
        Path cached = cache.resolve("models").resolve("ddim-emoji").resolve("emoji.safetensors");
        assertEquals(DdimZooModel.EMOJI_ADLER32, DdimZooModel.adler32(cached));
        // a damaged cached copy is detected and fetched again from the jar
        java.nio.file.Files.write(cached, new byte[]{1, 2, 3});
        zoo.initPretrainedModel();
        assertEquals(DdimZooModel.EMOJI_ADLER32, DdimZooModel.adler32(cached));
    }
}
