/** FFHQ as NVIDIA's download holds it (thumbnails or full-size PNGs, optional metadata); opened by {@code ImageDatasets}. */
package org.ddim4j.data.ffhq;
