/**
 * Small residual convolutional networks (DL4J {@code ComputationGraph}s) shared by the attribute classifier of
 * {@code edit} and the emoji feature network of {@code metrics}. Depends on DL4J only.
 */
package org.ddim4j.resnet;
