/** Downsampled ImageNet 64x64 from its npz batches; opened by {@code ImageDatasets}. */
package org.ddim4j.data.imagenet;
