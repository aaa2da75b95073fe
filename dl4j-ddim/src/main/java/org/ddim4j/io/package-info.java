/**
 * Tensor file formats (npy, npz, safetensors, PyTorch's {@code .pth} through a restricted unpickler), zips, SHA-256
 * and atomic file writing. Depends on ND4J only.
 */
package org.ddim4j.io;
