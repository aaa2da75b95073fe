package org.ddim4j.samples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressPrinterTest {
    @Test
    void withoutATerminalItPrintsPlainLogLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 0);
        p.onStart(1, 100);
        p.onIteration(1, 0.5, 1.25, 2.0);
        p.onIteration(2, 0.4, 1.0, 2.0);
        p.onSamples(2, Path.of("run/samples/iter-0000002.png"));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("training iterations 1 to 100"), out);
        assertTrue(out.contains("iteration 1  2.00 it/s  loss 0.5000 (avg 0.5000)  grad norm 1.250  ETA 00:00:50"), out);
        assertTrue(!out.contains("iteration 2  "), "a second line within 10 s: " + out);
        assertTrue(out.contains("iteration 2: samples run/samples/iter-0000002.png"), out);
        assertTrue(!out.contains("\r"), "no carriage returns without a terminal");
    }

    @Test
    void onATerminalItRedrawsOneBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 0);
        p.onStart(1, 10);
        p.onIteration(5, 0.3, 1.0, 1.0);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r[###############---------------] it 5  1.00 it/s  loss 0.3000  ETA 00:00:05"), out);
        assertEquals("00:01:05", ProgressPrinter.clock(65));
    }
}
