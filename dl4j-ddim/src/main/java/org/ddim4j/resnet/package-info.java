/**
 * Small residual convolutional networks (DL4J {@code ComputationGraph}s) shared by the attribute classifier of
 * {@code org.ddim4j.edit} and the emoji feature network of {@code org.ddim4j.metrics}. Depends on DL4J only.
 */
package org.ddim4j.resnet;
