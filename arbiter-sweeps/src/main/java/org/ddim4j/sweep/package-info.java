/**
 * Hyper-parameter sweeps on Arbiter: the sweep spec (YAML), the search space over config keys, one candidate per
 * task trained and scored (validation loss, inversion PSNR, KID or FID), results as CSV and HTML. May use all of
 * dl4j-ddim and datavec-loaders; never the launcher.
 */
package org.ddim4j.sweep;
