package org.ddim4j.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ./ddim's memory limits follow the memory the process may use (scripts/memory-defaults.sh), not fixed values. */
class MemoryDefaultsTest {
    private static String limits(String memKb, String... env) throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "memory-defaults.sh").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "source '" + script + "'; echo \"$ddim_heap $ddim_offheap $ddim_physical\"");
        pb.environment().put("DDIM_MEM_KB", memKb);
        pb.environment().remove("DDIM_HEAP");
        pb.environment().remove("DDIM_OFFHEAP");
        pb.environment().remove("DDIM_PHYSICAL");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void limitsScaleWithMemoryAndKeepTheOldValuesAt24GiB() throws Exception {
        assertEquals("6144m 10240M 18432M", limits(Long.toString(24L << 20)));   // the values ./ddim had fixed
        assertEquals("2048m 3413M 6144M", limits(Long.toString(8L << 20)));      // an 8 GiB laptop: 18G would never act
        assertEquals("6144m 26666M 48000M", limits(Long.toString(64000L << 10))); // the heap stays at most 6 GiB
        assertEquals("256m 426M 768M", limits("garbage"));                         // unknown: planned for 1 GiB
        assertEquals("3g 426M 768M", limits("100", "DDIM_HEAP", "3g"));           // an explicit setting wins
    }
}
