package org.ddim4j.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/native-env.sh, which ./ddim and bench/run source: the native settings it picks for a CPU. */
class NativeEnvTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "native-env.sh").toAbsolutePath().normalize();
    private static final String SAPPHIRE_RAPIDS = "flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512bw"
            + " avx512vl avx512_bf16 amx_tile\n";
    private static final String HASWELL = "flags\t\t: fpu sse sse2 avx fma avx2 bmi2\n";
    private static final String OLD = "flags\t\t: fpu sse sse2 sse3 ssse3\n";

    /** The two variables after sourcing the script, as "OMP_WAIT_POLICY|OPENBLAS_CORETYPE". */
    private static String settings(Path cpuinfo, Map<String, String> callerEnv) throws IOException, InterruptedException {
        return variables(cpuinfo, callerEnv, "$OMP_WAIT_POLICY|${OPENBLAS_CORETYPE:-}");
    }

    /** {@code echoed} (variables in bash syntax) after sourcing the script, with the caller's environment. */
    private static String variables(Path cpuinfo, Map<String, String> callerEnv, String echoed)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "set -euo pipefail; source \"$0\"; echo \"" + echoed + "\"", SCRIPT.toString());
        for (String v : new String[]{"OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "GOMP_SPINCOUNT", "GLIBC_TUNABLES"}) {
            pb.environment().remove(v);
        }
        pb.environment().put("DDIM_CPUINFO", cpuinfo.toString());
        pb.environment().putAll(callerEnv);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Path cpuinfo(Path dir, String flags) throws IOException {
        Path f = dir.resolve("cpuinfo-" + Math.abs(flags.hashCode()));
        Files.writeString(f, "processor\t: 0\nmodel name\t: test\n" + flags + "\nprocessor\t: 1\n" + flags);
        return f;
    }

    @Test
    void picksTheOpenBlasKernelsFromTheCpuFlags(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
        assertEquals("PASSIVE|SkylakeX", settings(cpuinfo(dir, SAPPHIRE_RAPIDS), Map.of()));
        assertEquals("PASSIVE|Haswell", settings(cpuinfo(dir, HASWELL), Map.of()));
        assertEquals("PASSIVE|", settings(cpuinfo(dir, OLD), Map.of()), "no AVX2: OpenBLAS detects on its own");
        assertEquals("PASSIVE|", settings(dir.resolve("no-such-cpuinfo"), Map.of()));
    }

    @Test
    void valuesTheCallerSetWin(@TempDir Path dir) throws Exception {
        assertEquals("ACTIVE|Zen", settings(cpuinfo(dir, SAPPHIRE_RAPIDS),
                Map.of("OMP_WAIT_POLICY", "ACTIVE", "OPENBLAS_CORETYPE", "Zen")));
    }

    @Test
    void openMpWorkersSpinBrieflyAndMallocAsksForHugePages(@TempDir Path dir) throws Exception {
        Path cpu = cpuinfo(dir, HASWELL);
        String echoed = "$GOMP_SPINCOUNT|$GLIBC_TUNABLES";
        assertEquals("100000|glibc.malloc.hugetlb=1", variables(cpu, Map.of(), echoed));
        assertEquals("100000|glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
                variables(cpu, Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"), echoed),
                "the caller's other tunables are kept");
        assertEquals("0|glibc.malloc.hugetlb=0", variables(cpu,
                Map.of("GOMP_SPINCOUNT", "0", "GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"), echoed),
                "the caller's values win");
    }
}
