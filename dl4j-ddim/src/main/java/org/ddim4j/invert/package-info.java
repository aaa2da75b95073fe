/**
 * Inversion of images to DDIM latents: by optimisation through the sampler, by an encoder, hybrid, and the DDIM-ODE
 * (with fixed-point refinement); the reconstruction loss and its gradient. May use {@code model}, {@code sampler},
 * {@code unet}, {@code graph}, {@code optim}, {@code schedule}, {@code random} and training's graph (the encoder
 * trains with it); never {@code edit} or {@code evaluation}.
 */
package org.ddim4j.invert;
