package org.ddim4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Native threads per task from {@code spark.task.cpus}: an executor with c cores runs c / spark.task.cpus tasks at
 * once, and ND4J's thread settings are per process, so each task's share is spark.task.cpus threads and never more
 * native threads than cores run. OpenMP reads its own count once at start-up: the jobs set it for the executors
 * ({@code spark.executorEnv.OMP_NUM_THREADS}, {@link #configure}) and {@code ./ddim spark} for a local master.
 */
public final class TaskThreads {
    /** Spark's own setting: cores each task takes. */
    public static final String TASK_CPUS = "spark.task.cpus";

    private TaskThreads() {
    }

    /**
     * The native settings ./ddim makes (scripts/native-env.sh) that change results or speed: OpenBLAS's kernel choice
     * (OPENBLAS_CORETYPE: its GEMM kernels round differently, 3.9e-5 apart on samples after 5 steps, measured) and
     * OpenMP's idle policy. Handed from the driver's environment to the executors' (a cluster of the same CPUs).
     */
    static final java.util.List<String> NATIVE_ENVIRONMENT = java.util.List.of("OPENBLAS_CORETYPE", "OMP_WAIT_POLICY",
            "GOMP_SPINCOUNT");

    /**
     * Sets the executors' OpenMP thread count from spark.task.cpus and hands them the driver's native settings
     * ({@link #NATIVE_ENVIRONMENT}), unless the user set them.
     */
    public static SparkConf configure(SparkConf conf) {
        int cpus = conf.getInt(TASK_CPUS, 1);
        if (cpus < 1) {
            throw new IllegalArgumentException(TASK_CPUS + " must be at least 1, got " + cpus);
        }
        if (!conf.contains("spark.executorEnv.OMP_NUM_THREADS")) {
            conf.set("spark.executorEnv.OMP_NUM_THREADS", String.valueOf(cpus));
        }
        for (String name : NATIVE_ENVIRONMENT) {
            String value = System.getenv(name);
            if (value != null && !value.isEmpty() && !conf.contains("spark.executorEnv." + name)) {
                conf.set("spark.executorEnv." + name, value);
            }
        }
        return conf;
    }

    /** Called at the start of a task: ND4J's and the BLAS's threads to spark.task.cpus. Returns the count. */
    public static int apply() {
        SparkEnv env = SparkEnv.get();
        int cpus = env == null ? 1 : env.conf().getInt(TASK_CPUS, 1);
        if (Nd4j.getEnvironment().maxThreads() != cpus) {
            Nd4j.getEnvironment().setMaxThreads(cpus);
            Nd4j.getEnvironment().setMaxMasterThreads(cpus);
        }
        if (Nd4j.factory().blas().getMaxThreads() != cpus) {
            Nd4j.factory().blas().setMaxThreads(cpus);
        }
        return cpus;
    }
}
