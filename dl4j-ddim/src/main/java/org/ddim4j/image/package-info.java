/**
 * Pictures: model-space tensors to images and grids, PNG and animated GIF files, charts, and the flips of training
 * ({@link org.ddim4j.image.Flips}). May use {@code io} only.
 */
package org.ddim4j.image;
