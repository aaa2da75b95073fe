/** CelebA, aligned and cropped, with its official partition and attribute files; opened by {@code ImageDatasets}. */
package org.ddim4j.data.celeba;
