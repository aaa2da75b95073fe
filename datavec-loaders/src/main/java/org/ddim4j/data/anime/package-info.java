/** Anime Faces (Kaggle's "Anime Face Dataset", a folder of JPEGs) with a deterministic split; opened by {@code ImageDatasets}. */
package org.ddim4j.data.anime;
