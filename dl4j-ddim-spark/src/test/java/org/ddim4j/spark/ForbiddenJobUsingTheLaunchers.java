package org.ddim4j.spark;

/** Breaks two of SparkArchitectureTest's rules on purpose (never main code): a job calling the launchers. */
final class ForbiddenJobUsingTheLaunchers {
    private ForbiddenJobUsingTheLaunchers() {
    }

    static Object launchers() {
        return new Object[]{org.ddim4j.samples.Ddim.class, org.ddim4j.spark.cli.SparkDdim.class};
    }
}
