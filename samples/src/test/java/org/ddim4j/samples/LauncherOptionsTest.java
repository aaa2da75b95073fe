package org.ddim4j.samples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./ddim refuses a bad DDIM_JIT or DDIM_CDS with one line naming the variable and the values it takes. */
class LauncherOptionsTest {
    private static final Path LAUNCHER = Path.of("..", "ddim").toAbsolutePath().normalize();

    private static String[] run(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "env");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        return new String[]{String.valueOf(p.exitValue()), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()};
    }

    @Test
    void aBadJitOrCdsChoiceIsAUsageErrorBeforeAnythingRuns() throws Exception {
        assertTrue(Files.isRegularFile(LAUNCHER), LAUNCHER.toString());
        String[] jit = run(Map.of("DDIM_JIT", "c2"));
        assertEquals("2", jit[0], jit[1]);
        assertEquals("ddim: DDIM_JIT must be quick or full, got 'c2'", jit[1]);
        String[] cds = run(Map.of("DDIM_CDS", "maybe"));
        assertEquals("2", cds[0], cds[1]);
        assertEquals("ddim: DDIM_CDS must be on or off, got 'maybe'", cds[1]);
    }
}
