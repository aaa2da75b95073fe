/**
 * The DDIM sampler, separate from any network: timestep spacings, the update of DDIM's Eq. 12 with the
 * sigma of Eq. 16, trajectories, and the reverse-mode gradient of a whole run with respect to x_T.
 */
package org.ddim4j.sampler;
