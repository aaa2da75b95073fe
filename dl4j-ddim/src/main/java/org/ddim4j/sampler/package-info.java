/**
 * The DDIM sampler, separate from any network (it sees a {@code schedule.NoisePredictor}): DDIM's Eq. 12 with the
 * sigma of Eq. 16, trajectories, and the reverse-mode gradient of a whole run with respect to x_T. May use
 * {@code schedule} only; never the network, training or inversion.
 */
package org.ddim4j.sampler;
