/** The embedded default dataset: Google's Noto emoji from the npm package emoji-datasource-google@16.0.0. */
package org.ddim4j.data.emoji;
