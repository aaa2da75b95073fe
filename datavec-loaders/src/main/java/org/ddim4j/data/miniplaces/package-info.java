/** MiniPlaces (MIT's 100-scene subset of Places) from its list files and image archive; opened by {@code ImageDatasets}. */
package org.ddim4j.data.miniplaces;
