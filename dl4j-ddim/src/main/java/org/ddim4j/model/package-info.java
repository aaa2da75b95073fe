/**
 * Models as users hold them: {@link org.ddim4j.model.DdimModel} (config plus network), the project's own model
 * file, loading weights from safetensors, PyTorch and checkpoints, and the checkpoints and run folders of training
 * ({@link org.ddim4j.model.CheckpointFile}, {@link org.ddim4j.model.TrainingRun}). May use {@code unet},
 * {@code sampler}, {@code schedule}, {@code config}, {@code io}, {@code random}; never training itself.
 */
package org.ddim4j.model;
