/**
 * The dataset readers: DataVec record readers for the seed's datasets and the embedded default (emoji), the
 * seed's image transform, dataset features for FID/KID, and the training-data registry
 * ({@link org.ddim4j.data.Datasets}). Uses {@code config}, {@code io}, {@code image}, {@code metrics},
 * {@code random} and {@code batches} of dl4j-ddim, nothing else of it (ArchitectureTest).
 */
package org.ddim4j.data;
