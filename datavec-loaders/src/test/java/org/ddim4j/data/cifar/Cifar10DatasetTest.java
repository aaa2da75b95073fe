package org.ddim4j.data.cifar;

import org.ddim4j.config.Defaults;
import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.data.Datasets;
import org.ddim4j.data.Split;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10DatasetTest {
    /**
     * Writes the binary release's files: record r of file f has label (f + r) mod 10, a red plane of 255, a
     * green plane of r and a blue plane of 0, except pixel (0, 1) of the blue plane, which is 128.
     */
    static Path writeFake(Path dir, int perTrainFile, int testRecords) throws IOException {
        Path folder = dir.resolve("cifar-10-batches-bin");
        Files.createDirectories(folder);
        for (int f = 1; f <= 6; f++) {
            String name = f <= 5 ? "data_batch_" + f + ".bin" : "test_batch.bin";
            int n = f <= 5 ? perTrainFile : testRecords;
            byte[] bytes = new byte[n * Cifar10Dataset.RECORD];
            for (int r = 0; r < n; r++) {
                int base = r * Cifar10Dataset.RECORD;
                bytes[base] = (byte) ((f + r) % 10);
                for (int k = 0; k < 1024; k++) {
                    bytes[base + 1 + k] = (byte) 255;
                    bytes[base + 1 + 1024 + k] = (byte) r;
                }
                bytes[base + 1 + 2048 + 1] = (byte) 128;
            }
            Files.write(folder.resolve(name), bytes);
        }
        return dir;
    }

    @Test
    void readsCountsLabelsAndRgbPlanesAsWritten(@TempDir Path dir) throws IOException {
        Cifar10Dataset ds = Cifar10Dataset.open(writeFake(dir, 3, 4));
        Cifar10Dataset.Part train = ds.split(Split.TRAIN);
        assertEquals(15, train.size());
        assertEquals(4, ds.split(Split.TEST).size());
        assertEquals(0, ds.split(Split.VALID).size());
        // record 4 of the run is record 1 of data_batch_2: label (2 + 1) mod 10
        assertEquals(3, train.label(4));
        INDArray img = train.image(4);
        assertArrayEquals(new long[]{3, 32, 32}, img.shape());
        assertEquals(1.0, img.getDouble(0, 5, 5), 1e-6);
        assertEquals(1 / 127.5 - 1, img.getDouble(1, 5, 5), 1e-6);
        assertEquals(-1.0, img.getDouble(2, 5, 5), 1e-6);
        assertEquals(128 / 127.5 - 1, img.getDouble(2, 0, 1), 1e-6);
    }

    @Test
    void worksWithRecordReaderDataSetIteratorAndTheTrainer(@TempDir Path dir) throws IOException {
        Cifar10Dataset ds = Cifar10Dataset.open(writeFake(dir, 2, 2));
        var it = new RecordReaderDataSetIterator(new Cifar10RecordReader(ds, Split.TRAIN, 32, 0.5, new Random(1)), 4, 1, 10);
        int n = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            assertEquals(10, batch.getLabels().size(1));
            n += batch.getFeatures().size(0);
        }
        assertEquals(10, n);
        var config = Defaults.data().withDataset(org.ddim4j.config.Dataset.CIFAR10, dir.toString()).withShape(List.of(3, 16, 16));
        var batches = Datasets.trainingBatches(config, null, 0);
        assertEquals(10, batches.size());
        assertArrayEquals(new long[]{4, 3, 16, 16}, batches.batch(0, 4).shape());
    }

    @Test
    void missingOrTruncatedFilesNameThePathAndTheDownload(@TempDir Path dir) throws IOException {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> Cifar10Dataset.open(dir));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains(Cifar10Dataset.URL), e.getMessage());
        writeFake(dir, 2, 2);
        Path test = dir.resolve("cifar-10-batches-bin/test_batch.bin");
        byte[] bytes = Files.readAllBytes(test);
        Files.write(test, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        e = assertThrows(DatasetNotFoundException.class, () -> Cifar10Dataset.open(dir));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("truncated"), e.getMessage());
    }
}
