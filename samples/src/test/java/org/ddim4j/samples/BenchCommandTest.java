package org.ddim4j.samples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's repetition rule (minimum runs and minimum seconds, untimed then timed) and bench/run's arguments. */
class BenchCommandTest {

    @Test
    void eachPhaseLastsAtLeastItsRunsAndItsSeconds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BenchCommand.Work tenMillis = () -> {
            calls.incrementAndGet();
            Thread.sleep(10);
        };
        // seconds decide: at least 0.1 s of each phase, so at least 10 runs of 10 ms (sleep never returns early)
        BenchCommand.Timing bySeconds = BenchCommand.measure(new BenchCommand.Repeats(2, 0.1, 3, 0.1), tenMillis);
        assertTrue(bySeconds.warmRuns() >= 2, "warm-up runs " + bySeconds.warmRuns());
        assertTrue(bySeconds.seconds().length >= 3);
        double timed = 0;
        for (double s : bySeconds.seconds()) {
            assertTrue(s >= 0.009, "a timed run of " + s + " s");
            timed += s;
        }
        assertTrue(timed >= 0.1 - 0.011, "timed runs add up to " + timed + " s");
        assertEquals(calls.get(), bySeconds.warmRuns() + bySeconds.seconds().length);
        // runs decide: no seconds asked for, exactly the runs
        BenchCommand.Timing byRuns = BenchCommand.measure(new BenchCommand.Repeats(2, 0, 7, 0), tenMillis);
        assertEquals(2, byRuns.warmRuns());
        assertEquals(7, byRuns.seconds().length);
    }

    @Test
    void theWarmUpSecondsCountAfterTheFirstRun() throws Exception {
        // a first run of 0.3 s (compiling the plans) does not stand for the 0.1 s of warm-up: 10 ms runs follow
        AtomicInteger calls = new AtomicInteger();
        BenchCommand.Work slowFirst = () -> Thread.sleep(calls.getAndIncrement() == 0 ? 300 : 10);
        BenchCommand.Timing t = BenchCommand.measure(new BenchCommand.Repeats(2, 0.1, 1, 0), slowFirst);
        assertTrue(t.warmRuns() >= 1 + 9, "warm-up runs " + t.warmRuns());
        assertEquals(1, t.seconds().length);
        assertTrue(t.seconds()[0] < 0.2, "the first run is not timed");
    }

    @Test
    void aFixedCountOfTimedRunsCoversTheTimedSeconds() {
        BenchCommand.Repeats repeats = BenchCommand.Repeats.of(false, false);
        assertEquals(7, repeats.timedRuns(1.5));       // 7 runs already take more than 3 s
        assertEquals(30, repeats.timedRuns(0.1));      // 3 s of 0.1 s runs
        BenchCommand.Repeats quick = BenchCommand.Repeats.of(true, true);
        assertEquals(1, quick.timedRuns(0.001));
    }

    @Test
    void benchRunRefusesABadRoundCountBeforeLookingForPyTorch() throws Exception {
        Path script = Path.of("..", "bench", "run").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", script.toString(), "--rounds", "zero").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("--rounds takes a positive whole number, got 'zero'"), output);
    }
}
