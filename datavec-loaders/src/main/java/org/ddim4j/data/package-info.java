/**
 * DataVec record readers for the seed's datasets and the embedded default (emoji), the seed's image
 * transform, and the training-data registry ({@link org.ddim4j.data.Datasets}).
 */
package org.ddim4j.data;
