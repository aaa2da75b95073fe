/**
 * Latent-space editing as the seed does it (InterFaceGAN): latent/score pairs drawn from the model
 * ({@link org.ddim4j.edit.PairStore}), an attribute classifier, a linear boundary per attribute, and moving a
 * latent along it; and, for a class-conditional model, editing by class label ({@link org.ddim4j.edit.ClassEdit}).
 * May use {@code model}, {@code sampler}, {@code schedule}, {@code resnet}, {@code io}, {@code random}; never
 * training or inversion internals.
 */
package org.ddim4j.edit;
