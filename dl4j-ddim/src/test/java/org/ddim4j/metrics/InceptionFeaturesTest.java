package org.ddim4j.metrics;

import org.ddim4j.io.Npz;
import org.ddim4j.io.TorchCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pytorch-fid's Inception-v3 against PyTorch's (fixture by inception/make_fixture.py, same deterministic weights). */
class InceptionFeaturesTest {
    private static Map<String, INDArray> weights;
    private static Map<String, INDArray> fixture;

    @BeforeAll
    static void load() throws URISyntaxException {
        weights = SyntheticInceptionWeights.stateDict();
        fixture = Npz.read(resource("fixture.npz"));
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(InceptionFeaturesTest.class.getResource("/inception/" + name).toURI());
    }

    @Test
    void featuresMatchPytorchFidsNetworkWithin1e4() {
        InceptionFeatures net = new InceptionFeatures(weights, "0".repeat(64), false);
        // two 32x32 images (upsampled to 299) and one 64x64 image, as PyTorch computed them
        for (String[] pair : new String[][]{{"x32", "f32"}, {"x64", "f64"}}) {
            INDArray got = net.features(fixture.get(pair[0]));
            INDArray expected = fixture.get(pair[1]);
            assertEquals(2048, got.size(1));
            double diff = got.castTo(expected.dataType()).sub(expected).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4, pair[0] + ": max |difference| " + diff + " (features up to "
                    + expected.amaxNumber() + ")");
        }
    }

    @Test
    void thePthReaderGivesTheFixturesTensorsUnderTorchvisionsNames() throws Exception {
        Map<String, INDArray> first = TorchCheckpoint.stateDict(resource("first_conv.pth"), null);
        for (String name : new String[]{"Conv2d_1a_3x3.conv.weight", "Conv2d_1a_3x3.bn.weight", "Conv2d_1a_3x3.bn.bias",
                "Conv2d_1a_3x3.bn.running_mean", "Conv2d_1a_3x3.bn.running_var"}) {
            assertEquals(weights.get(name), first.get(name).castTo(weights.get(name).dataType()), name);
        }
    }

    @Test
    void aMissingOrForeignTensorIsNamed() {
        Map<String, INDArray> missing = new HashMap<>(weights);
        missing.remove("Mixed_6b.branch7x7_2.bn.running_var");
        var e = assertThrows(IllegalArgumentException.class, () -> InceptionV3Graph.build(missing));
        assertTrue(e.getMessage().contains("Mixed_6b.branch7x7_2.bn.running_var"), e.getMessage());
        Map<String, INDArray> extra = new HashMap<>(weights);
        extra.put("Mixed_8a.conv.weight", weights.get("Conv2d_1a_3x3.conv.weight"));
        e = assertThrows(IllegalArgumentException.class, () -> InceptionV3Graph.build(extra));
        assertTrue(e.getMessage().contains("Mixed_8a.conv.weight"), e.getMessage());
    }

    @Test
    void weightsWithAnotherHashAreRefusedNamingBothHashesUnlessUnchecked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("other.pth");
        Files.copy(resource("first_conv.pth"), file);
        var e = assertThrows(IllegalArgumentException.class, () -> InceptionWeights.load(file, false));
        String sha = org.ddim4j.io.Sha256.hex(file);
        assertTrue(e.getMessage().contains(sha) && e.getMessage().contains(InceptionWeights.SHA256), e.getMessage());
        InceptionWeights.Loaded unchecked = InceptionWeights.load(file, true);
        assertEquals(sha, unchecked.sha256());
        assertTrue(!unchecked.comparable());
    }

    @Test
    void offlineTheDownloadFailsSayingWhereToPutTheFileAndLeavesNothingBehind(@TempDir Path dir) {
        Path target = dir.resolve("cache").resolve(InceptionWeights.FILE_NAME);
        // port 9 (discard) on this machine: refused at once, as any address is without network access
        var e = assertThrows(IllegalArgumentException.class,
                () -> InceptionWeights.download(java.net.URI.create("http://127.0.0.1:9/" + InceptionWeights.FILE_NAME), target));
        assertTrue(e.getMessage().contains(InceptionWeights.URL) && e.getMessage().contains(InceptionWeights.cachePath().toString())
                && e.getMessage().contains("offline"), e.getMessage());
        assertTrue(!Files.exists(target));
        assertEquals(0, dir.resolve("cache").toFile().list().length, "no partial download left");
    }
}
