package org.ddim4j.model;

/** Breaks SparkArchitectureTest's last rule on purpose (never main code): a core class using Spark. */
final class ForbiddenModelUsingSpark {
    private ForbiddenModelUsingSpark() {
    }

    static Object spark() {
        return org.apache.spark.SparkConf.class;
    }
}
