/**
 * The {@code ./ddim} launcher: one picocli command per subcommand, the exit-code contract (0 done, 1 bad value or
 * file, 2 bad flags) and the only place that prints to the console. Nothing depends on it.
 */
package org.ddim4j.samples;
