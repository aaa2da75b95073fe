package org.ddim4j.samples;

import org.ddim4j.model.Checkpoint;
import org.ddim4j.model.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A training process killed with SIGKILL at random moments never damages its checkpoint. */
class KillTest {
    private static Process train(Path config, Path root, Path runDir, boolean resume) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djavacpp.platform.extension=" + System.getProperty("javacpp.platform.extension", ""),
                "-cp", System.getProperty("java.class.path"), Ddim.class.getName(), "train", "--out", runDir.toString(),
                "--data-root", root.toString()));
        if (resume) {
            cmd.add("--resume");
        } else {
            cmd.addAll(List.of("--config", config.toString()));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(runDir.resolveSibling("log.txt").toFile())
                .start();
    }

    @Test
    void aRunKilledAtRandomMomentsResumesFromAnIntactCheckpoint(@TempDir Path dir) throws Exception {
        Path root = TinyRun.fakeEmoji(dir);
        Path config = TinyRun.config(dir, 100_000, 100_000, 1);
        Path runDir = dir.resolve("run");
        Random rng = new Random(5);
        long lastIteration = 0;
        for (int round = 0; round < 4; round++) {
            Process p = train(config, root, runDir, round > 0);
            Path ckpt = runDir.resolve("checkpoint.ckpt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // wait until this process has written a checkpoint of its own, then kill it at a random moment
            while (System.nanoTime() < deadline && (!Files.exists(ckpt) || iterationOf(ckpt) <= lastIteration)) {
                assertTrue(p.isAlive(), "training exited early: " + Files.readString(dir.resolve("log.txt")));
                Thread.sleep(100);
            }
            Thread.sleep(200 + rng.nextInt(1500));
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            Checkpoint c = CheckpointFile.read(ckpt);
            assertTrue(c.iteration() > lastIteration, "round " + round + ": no progress past " + lastIteration);
            lastIteration = c.iteration();
        }
        assertTrue(lastIteration >= 4, "only " + lastIteration + " iterations");
        List<String> rows = Files.readAllLines(runDir.resolve("loss.csv"));
        assertEquals("iteration,loss,grad_norm,seconds", rows.get(0));
    }

    private static long iterationOf(Path ckpt) {
        try {
            return CheckpointFile.read(ckpt).iteration();
        } catch (RuntimeException e) {
            throw new AssertionError("checkpoint unreadable while the run was alive: " + e.getMessage(), e);
        }
    }
}
