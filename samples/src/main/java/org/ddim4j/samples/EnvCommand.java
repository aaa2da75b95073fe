package org.ddim4j.samples;

import com.google.gson.GsonBuilder;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ddim env}: what ND4J runs on here: backend, device, natives variant, threads and memory. */
@Command(name = "env", description = "print the ND4J backend, device, natives variant, threads and memory in use",
        footer = {"The backend is chosen at build time (mvn install for the CPU, mvn -Pcuda install for CUDA 11.6);",
                "the CPU natives variant at run time (DDIM_NATIVES=onednn-avx2|plain); threads by OMP_NUM_THREADS."})
final class EnvCommand extends DdimCommand {
    @Option(names = "--json", description = "one JSON object instead of aligned lines")
    boolean json;

    @Override
    void run(PrintStream out) throws Exception {
        Map<String, Object> env = collect();
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(env));
            return;
        }
        env.forEach((k, v) -> out.printf("%-22s %s%n", k, v));
    }

    static Map<String, Object> collect() throws IOException {
        Map<String, Object> env = new LinkedHashMap<>();
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        boolean cuda = backend.toLowerCase(Locale.ROOT).contains("cuda");
        env.put("backend", backend + (cuda ? " (nd4j-cuda-11.6)" : " (nd4j-native)"));
        env.put("device", cuda ? String.valueOf(info.getOrDefault("cuda.devicesInformation", "CUDA device"))
                : cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        String buildInfo = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        String variant = System.getProperty("ddim.natives", "");
        String extension = System.getProperty("javacpp.platform.extension", "");
        env.put("natives", cuda ? "cuda" : (variant.isEmpty() ? (extension.isEmpty() ? "plain" : extension.substring(1)) : variant)
                + (buildInfo.contains("HAVE_ONEDNN") ? " (oneDNN linked)" : "")
                + (buildInfo.contains("HAVE_OPENBLAS") ? " (OpenBLAS)" : ""));
        env.put("blas", String.valueOf(info.getOrDefault("blas.vendor", "?")));
        env.put("omp_threads", Nd4j.getEnvironment().maxMasterThreads());
        env.put("blas_threads", String.valueOf(info.getOrDefault("blas.threads", "?")));
        // set by ./ddim (scripts/native-env.sh); "unset" when the JVM was started otherwise
        env.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        env.put("openblas_coretype", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset (OpenBLAS detects)"));
        env.put("gomp_spincount", System.getenv().getOrDefault("GOMP_SPINCOUNT", "unset"));
        env.put("glibc_tunables", System.getenv().getOrDefault("GLIBC_TUNABLES", "unset"));
        Runtime rt = Runtime.getRuntime();
        env.put("jvm_heap_max_mb", rt.maxMemory() >> 20);
        env.put("jvm_heap_used_mb", (rt.totalMemory() - rt.freeMemory()) >> 20);
        env.put("offheap_max_mb", Pointer.maxBytes() >> 20);
        env.put("offheap_used_mb", Pointer.totalBytes() >> 20);
        env.put("physical_used_mb", Pointer.physicalBytes() >> 20);
        env.put("physical_max_mb", Pointer.maxPhysicalBytes() >> 20);
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("data_type", Nd4j.dataType().toString());
        return env;
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            String all = Files.readString(cpuinfo);
            for (String line : all.split("\n")) {
                if (line.startsWith("model name")) {
                    String model = line.substring(line.indexOf(':') + 1).trim();
                    boolean avx2 = all.contains(" avx2");
                    boolean avx512 = all.contains(" avx512f");
                    return model + (avx512 ? " (AVX2, AVX-512)" : avx2 ? " (AVX2)" : " (no AVX2)");
                }
            }
        }
        return System.getProperty("os.arch");
    }
}
