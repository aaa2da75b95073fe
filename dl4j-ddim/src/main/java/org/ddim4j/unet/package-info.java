/**
 * The seed's U-Net epsilon-network as SameDiff graphs: parameter layout with PyTorch {@code state_dict}
 * names ({@link org.ddim4j.unet.UNetArchitecture}), building blocks, and the model
 * ({@link org.ddim4j.unet.UNet}). {@link org.ddim4j.unet.SelfAttentionLayer} offers the attention block
 * as a DL4J layer.
 */
package org.ddim4j.unet;
