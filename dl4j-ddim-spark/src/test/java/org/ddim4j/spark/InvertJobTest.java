package org.ddim4j.spark;

import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.Split;
import org.ddim4j.data.emoji.EmojiDatasetTest;
import org.ddim4j.invert.InversionResult;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvertJobTest {
    private static InvertSpec spec(Path root, Inverter.Method method) {
        return new InvertSpec("emoji", root.toString(), Split.TRAIN, 5, method, 3, TimestepSpacing.UNIFORM, 2, 0.01, 0, 0, 2, 2);
    }

    private static Path emoji(Path dir) throws IOException {
        Path root = dir.resolve("emoji");
        Files.createDirectories(root);
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        return root;
    }

    @Test
    void everyImageOfTheSplitIsInvertedAsOneProcessInvertsIt(@TempDir Path dir) throws IOException {
        Path root = emoji(dir);
        DdimModel model = SparkTests.tinyModel();
        Path out = dir.resolve("out");
        InvertJob.Result r = InvertJob.run(SparkTests.context(), model, spec(root, Inverter.Method.ODE), out.toString());
        assertEquals(3, r.shardsRun());
        assertEquals(5, r.images());
        INDArray z = Nd4j.concat(0, Npz.readArray(out.resolve("latents-00000.npz"), "z"),
                Npz.readArray(out.resolve("latents-00001.npz"), "z"), Npz.readArray(out.resolve("latents-00002.npz"), "z"));
        // the same five images through the Inverter in this process, in one batch
        INDArray targets = ImageDatasets.tensors(ImageDatasets.open("emoji", root, Split.TRAIN), 16, 0, 5).addi(1).divi(2);
        InversionResult ref = new Inverter(model, model.sampler(3, TimestepSpacing.UNIFORM, 0.0), null)
                .invert(Inverter.Method.ODE, targets, InversionSettings.defaults(), 0, null);
        // batches of two against one of five: float rounding of the network's batched kernels (the 1e-5)
        assertEquals(0, ref.latent().sub(z).amaxNumber().doubleValue(), 1e-5);
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(6, rows.size(), "header and five images");
        assertEquals(ref.psnr().getDouble(4), Double.parseDouble(rows.get(5).split(",")[1]), 1e-3);
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"images\": 5"), summary);
        assertEquals(ref.psnr().meanNumber().doubleValue(), r.meanPsnr(), 1e-3);
    }

    @Test
    void exactMethodsKeepTheirPartnerLatentAndTheEncoderIsRefused(@TempDir Path dir) throws IOException {
        Path root = emoji(dir);
        Path out = dir.resolve("edict");
        InvertJob.Result r = InvertJob.run(SparkTests.context(), SparkTests.tinyModel(), spec(root, Inverter.Method.EDICT), out.toString());
        assertTrue(r.meanPsnr() > 40, "EDICT inverts exactly: mean PSNR " + r.meanPsnr());
        assertTrue(Npz.names(out.resolve("latents-00000.npz")).contains("y"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(root, Inverter.Method.ENCODER));
        assertTrue(e.getMessage().contains("encoder"), e.getMessage());
    }
}
