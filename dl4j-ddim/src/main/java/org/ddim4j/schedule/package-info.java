/** Noise schedules of the forward diffusion process: linear (the seed's), quadratic and cosine, any T. */
package org.ddim4j.schedule;
