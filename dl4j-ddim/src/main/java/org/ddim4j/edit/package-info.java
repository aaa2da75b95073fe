/**
 * Latent-space editing as the seed does it (InterFaceGAN): latent/score pairs drawn from the model
 * ({@link org.ddim4j.edit.PairStore}), an attribute classifier, a linear boundary per attribute, and moving a
 * latent along it. May use {@code model}, {@code sampler}, {@code resnet}, {@code io}, {@code random}; never
 * training or inversion internals.
 */
package org.ddim4j.edit;
