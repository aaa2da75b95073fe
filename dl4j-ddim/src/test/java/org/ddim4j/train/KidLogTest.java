package org.ddim4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KidLogTest {
    @Test
    void aResumedRunDropsTheRowsPastItsCheckpointAndPlotsTheRest(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("kid.csv");
        for (long it : new long[]{100, 200, 300}) {
            KidLog.append(csv, it, new QualityProbe.Measurement(1e-3 * it, 1e-4, 0.05, 0.01));
        }
        // the run is resumed from its iteration-200 checkpoint and measures at 300 again
        KidLog.append(csv, 300, new QualityProbe.Measurement(0.25, 1e-4, 0.05, 0.01));
        List<double[]> rows = KidLog.read(csv, Long.MAX_VALUE);
        assertEquals(3, rows.size());
        assertArrayEquals(new double[]{300, 0.25, 1e-4, 0.05, 0.01}, rows.get(2), 1e-12);
        assertEquals(2, KidLog.read(csv, 250).size());
        KidLog.plot(rows, dir.resolve("kid.png"));
        assertEquals(800, javax.imageio.ImageIO.read(dir.resolve("kid.png").toFile()).getWidth());
        assertEquals("iteration,kid,kid_std,floor,floor_std", Files.readAllLines(csv).get(0));
    }
}
