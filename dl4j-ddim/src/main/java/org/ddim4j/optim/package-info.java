/**
 * Parameter optimisers for training and inversion: {@link org.ddim4j.optim.AdamOptimizer} (exact to PyTorch's
 * {@code torch.optim.Adam}), {@link org.ddim4j.optim.NesterovSgd}, and clipping by global norm. May use
 * {@code config} and ND4J only.
 */
package org.ddim4j.optim;
