/**
 * The seed's U-Net epsilon-network: parameter layout with PyTorch {@code state_dict} names
 * ({@link org.ddim4j.unet.UNetArchitecture}), its blocks written as the seed's code, the two forms of their math
 * ({@link org.ddim4j.unet.PlainMath}, and {@link org.ddim4j.unet.PlannedMath} for graphs run by plans), the model
 * ({@link org.ddim4j.unet.UNet}), and DL4J forms ({@link org.ddim4j.unet.UNetVertex},
 * {@link org.ddim4j.unet.SelfAttentionLayer}). May use {@code graph}, {@code schedule}, {@code config},
 * {@code random}; never the sampler, training, inversion, editing or evaluation.
 */
package org.ddim4j.unet;
