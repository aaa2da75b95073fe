/**
 * The DL4J model-zoo entry ({@link org.ddim4j.zoo.DdimZooModel}): one per {@code config.Preset}, the emoji one
 * with weights in the jar. May use {@code model}, {@code unet}, {@code config}, {@code io}.
 */
package org.ddim4j.zoo;
