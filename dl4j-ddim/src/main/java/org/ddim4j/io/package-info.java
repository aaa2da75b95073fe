/** Tensor file formats (npy, npz, safetensors) and atomic file writing. */
package org.ddim4j.io;
