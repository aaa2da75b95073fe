/** {@code ./ddim spark}: the Spark jobs' command line (picocli), for a local master or spark-submit. */
package org.ddim4j.spark.cli;
