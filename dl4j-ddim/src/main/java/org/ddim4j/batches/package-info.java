/**
 * Training data as the trainer sees it: {@link org.ddim4j.batches.BatchSource} (batch i of the run, the same for
 * the same seed) and {@link org.ddim4j.batches.ShuffledBatches} (epochs in a seeded order). May use {@code random}
 * and ND4J; the readers of {@code datavec-loaders} build them, the trainer consumes them.
 */
package org.ddim4j.batches;
