/**
 * ddim4j's workloads as Apache Spark jobs: sampling, editing pairs, inversion, evaluation features, sweeps and
 * data-parallel training, over RDDs partitioned by seed or image index. The model travels as the bytes of a
 * ddim4j model file (a broadcast), is read once per executor JVM and built once per concurrently running task
 * ({@link org.ddim4j.spark.ExecutorModels}); native threads per task follow {@code spark.task.cpus}
 * ({@link org.ddim4j.spark.TaskThreads}); every task commits its output by rename ({@link org.ddim4j.spark.ShardCommitter}).
 */
package org.ddim4j.spark;
