/**
 * The diffusion process the network was trained on: the noise schedules (linear, quadratic, cosine; any T), the
 * forward process q(x_t | x_0) ({@link org.ddim4j.schedule.NoiseSchedule#addNoise}), which timesteps a sampler
 * visits ({@link org.ddim4j.schedule.TimestepSpacing}), and what a sampler needs of a network
 * ({@link org.ddim4j.schedule.NoisePredictor}, {@link org.ddim4j.schedule.DifferentiableNoisePredictor}). Depends
 * on ND4J only.
 */
package org.ddim4j.schedule;
