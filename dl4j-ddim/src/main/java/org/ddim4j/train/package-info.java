/** Training: the PyTorch-exact Adam optimiser and what the training loop is built from. */
package org.ddim4j.train;
