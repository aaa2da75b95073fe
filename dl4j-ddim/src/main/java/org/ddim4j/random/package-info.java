/**
 * Seeded randomness: every draw of ddim4j is a function of a seed ({@link org.ddim4j.random.Seeds}: mixing,
 * Gaussian arrays), so runs repeat bit for bit and resume exactly. Depends on ND4J only.
 */
package org.ddim4j.random;
