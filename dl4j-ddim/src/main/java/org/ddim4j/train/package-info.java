/**
 * Training: the loop ({@link org.ddim4j.train.Trainer}, its numbered steps), the training graph and loss, EMA, the
 * loss and KID logs and the run page. May use {@code unet}, {@code graph}, {@code model}, {@code optim},
 * {@code batches}, {@code schedule}, {@code sampler}, {@code image}, {@code io}, {@code config}, {@code random};
 * never inversion, editing or evaluation (a {@code QualityProbe} is handed in).
 */
package org.ddim4j.train;
