/** Pictures: model-space tensors to images and grids, PNG and animated GIF files. */
package org.ddim4j.image;
