/** Oxford Flowers 102: the JPEGs, labels and official splits (MATLAB v5 files); opened by {@code ImageDatasets}. */
package org.ddim4j.data.flowers;
