package org.ddim4j.spark.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.spark.TaskThreads;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Where a job runs: {@code --master}, {@code --conf K=V}; without --master, spark-submit's settings. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N] on this machine (local[N,R]: R attempts a task), spark://HOST:PORT, "
                    + "yarn (default: spark-submit's --master)")
    String master;

    @Option(names = "--conf", paramLabel = "K=V", description = "a Spark setting, repeatable (spark.task.cpus=2, ...)")
    List<String> conf = new ArrayList<>();

    /** A Spark context for a job named {@code name}. */
    JavaSparkContext context(String name) {
        SparkConf c = new SparkConf().setAppName("ddim4j " + name);
        if (master != null) {
            c.setMaster(master);
        } else if (!c.contains("spark.master")) {
            throw new IllegalArgumentException("no Spark master: give --master (local[2], spark://HOST:PORT, yarn) "
                    + "or run under spark-submit");
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf takes KEY=VALUE, got '" + kv + "'");
            }
            c.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        c.setIfMissing("spark.ui.enabled", "false");
        TaskThreads.configure(c);
        return new JavaSparkContext(c);
    }
}
